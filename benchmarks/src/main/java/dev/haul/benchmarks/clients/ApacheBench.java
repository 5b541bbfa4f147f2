package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpHead;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Apache HttpClient 5, classic blocking API with a pooling connection manager. Its asynchronous API
 * is another client, {@code apache-async} ({@link ApacheAsyncBench}).
 */
public final class ApacheBench implements BenchClient, ManualRanges.Fetcher {

  private CloseableHttpClient client;

  @Override
  public String name() {
    return "apache";
  }

  @Override
  public void start(int concurrency) {
    PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
        .setMaxConnPerRoute(Math.max(concurrency, 5)).setMaxConnTotal(Math.max(concurrency, 25)).build();
    client = HttpClients.custom().setConnectionManager(cm).build();
  }

  @Override
  public Optional<String> unsupported(LoadModel model) {
    return model == LoadModel.BLOCKING ? Optional.empty()
        : Optional.of("apache is the classic blocking API: its requests in flight are apache-async");
  }

  @Override
  public long get(URI uri) throws Exception {
    return client.execute(new HttpGet(uri), r -> (long) EntityUtils.toByteArray(r.getEntity()).length);
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    return client.execute(new HttpGet(uri), r -> {
      try (OutputStream out = Files.newOutputStream(file)) {
        r.getEntity().writeTo(out);
      }
      return Files.size(file);
    });
  }

  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    return segments == 1 ? download(uri, file) : ManualRanges.download(this, uri, file, segments);
  }

  @Override
  public long length(URI uri) throws Exception {
    return client.execute(new HttpHead(uri), r -> {
      Header h = r.getFirstHeader("Content-Length");
      return ManualRanges.contentLength(h == null ? null : h.getValue());
    });
  }

  @Override
  public long fetch(URI uri, long first, long last, FileChannel file) throws Exception {
    HttpGet get = new HttpGet(uri);
    get.setHeader("Range", ManualRanges.range(first, last));
    return client.execute(get, r -> {
      Header cr = r.getFirstHeader("Content-Range");
      ManualRanges.check(r.getCode(), cr == null ? null : cr.getValue(), first, last);
      try (InputStream in = r.getEntity().getContent()) {
        return ManualRanges.copy(in, file, first, last - first + 1);
      }
    });
  }

  @Override
  public void close() throws Exception {
    client.close();
  }
}
