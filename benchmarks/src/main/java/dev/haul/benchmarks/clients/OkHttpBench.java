package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 5 (JVM artifact), blocking calls. */
public final class OkHttpBench implements BenchClient {

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
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
