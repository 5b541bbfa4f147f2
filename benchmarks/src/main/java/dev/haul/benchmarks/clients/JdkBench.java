package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The JDK's java.net.http.HttpClient on HTTP/1.1: {@code send} for blocking callers, {@code sendAsync} in flight. */
public final class JdkBench implements BenchClient {

  private HttpClient client;

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public void start(int concurrency) {
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public long get(URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }

  @Override
  public Optional<String> unsupported(LoadModel model) {
    return Optional.empty();
  }

  @Override
  public CompletableFuture<Long> getAsync(URI uri) {
    return client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> (long) r.body().length);
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofFile(file));
    return Files.size(file);
  }

  @Override
  public void close() {
    // Closed with the JVM (HttpClient.close() arrived in Java 21).
  }
}
