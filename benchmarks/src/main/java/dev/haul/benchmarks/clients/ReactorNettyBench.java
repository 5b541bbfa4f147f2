package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Reactor Netty's HttpClient, blocking on each call's Mono. */
public final class ReactorNettyBench implements BenchClient {

  private ConnectionProvider provider;
  private HttpClient client;

  @Override
  public String name() {
    return "reactor-netty";
  }

  @Override
  public void start(int concurrency) {
    provider = ConnectionProvider.builder("bench").maxConnections(Math.max(concurrency, 16))
        .pendingAcquireMaxCount(-1).build();
    client = HttpClient.create(provider);
  }

  @Override
  public long get(URI uri) {
    byte[] body = client.get().uri(uri).responseSingle((res, content) -> content.asByteArray()).block();
    return body == null ? 0 : body.length;
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    AtomicLong n = new AtomicLong();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      client.get().uri(uri).responseContent().asByteBuffer()
          .doOnNext(bb -> {
            try {
              while (bb.hasRemaining()) {
                n.addAndGet(ch.write(bb));
              }
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .then().block();
    }
    return n.get();
  }

  @Override
  public void close() {
    provider.disposeLater().block();
  }

}
