package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5, classic blocking API with a pooling connection manager. */
public final class ApacheBench implements BenchClient {

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
  public void close() throws Exception {
    client.close();
  }
}
