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
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp 5 (JVM artifact), blocking calls ({@code execute}). Not in the in-flight model: its
 * {@code enqueue} runs each call blocking on a dispatcher thread, which is blocking callers again.
 */
public final class OkHttpBench implements BenchClient, ManualRanges.Fetcher {

  private OkHttpClient client;

  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public void start(int concurrency) {
    client = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(Math.max(5, concurrency), 5, TimeUnit.MINUTES))
        .build();
  }

  @Override
  public Optional<String> unsupported(LoadModel model) {
    return model == LoadModel.BLOCKING ? Optional.empty()
        : Optional.of("okhttp's enqueue runs each call blocking on a dispatcher thread: no requests in flight");
  }

  @Override
  public long get(URI uri) throws Exception {
    try (Response r = client.newCall(new Request.Builder().url(uri.toString()).build()).execute()) {
      return r.body().bytes().length;
    }
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    try (Response r = client.newCall(new Request.Builder().url(uri.toString()).build()).execute();
         InputStream in = r.body().byteStream();
         OutputStream out = Files.newOutputStream(file)) {
      return in.transferTo(out);
    }
  }

  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    return segments == 1 ? download(uri, file) : ManualRanges.download(this, uri, file, segments);
  }

  @Override
  public long length(URI uri) throws Exception {
    try (Response r = client.newCall(new Request.Builder().url(uri.toString()).head().build()).execute()) {
      return ManualRanges.contentLength(r.header("Content-Length"));
    }
  }

  @Override
  public long fetch(URI uri, long first, long last, FileChannel file) throws Exception {
    Request request = new Request.Builder().url(uri.toString()).header("Range", ManualRanges.range(first, last)).build();
    try (Response r = client.newCall(request).execute(); InputStream in = r.body().byteStream()) {
      ManualRanges.check(r.code(), r.header("Content-Range"), first, last);
      return ManualRanges.copy(in, file, first, last - first + 1);
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
