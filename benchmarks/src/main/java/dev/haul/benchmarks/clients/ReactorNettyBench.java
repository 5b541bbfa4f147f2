package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's HttpClient: blocking callers {@code block()} on each call's Mono, requests in flight
 * subscribe to it through {@code toFuture()}.
 */
public final class ReactorNettyBench implements BenchClient, ManualRanges.Fetcher {

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
  public Optional<String> unsupported(LoadModel model) {
    return Optional.empty();
  }

  @Override
  public CompletableFuture<Long> getAsync(URI uri) {
    return client.get().uri(uri).responseSingle((res, content) -> content.asByteArray())
        .map(body -> (long) body.length).defaultIfEmpty(0L).toFuture();
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
  public long download(URI uri, Path file, int segments) throws Exception {
    return segments == 1 ? download(uri, file) : ManualRanges.download(this, uri, file, segments);
  }

  @Override
  public long length(URI uri) throws Exception {
    HttpClientResponse r = client.head().uri(uri).response().block();
    return ManualRanges.contentLength(r == null ? null : r.responseHeaders().get("Content-Length"));
  }

  @Override
  public long fetch(URI uri, long first, long last, FileChannel file) throws Exception {
    // The body's buffers are written where they arrive, on the event loop, as in download(uri, file).
    AtomicLong position = new AtomicLong(first);
    client.headers(h -> h.set("Range", ManualRanges.range(first, last))).get().uri(uri)
        .response((res, body) -> {
          try {
            ManualRanges.check(res.status().code(), res.responseHeaders().get("Content-Range"), first, last);
          } catch (java.io.IOException e) {
            return reactor.core.publisher.Mono.error(e);
          }
          return body.asByteBuffer().doOnNext(bb -> {
            try {
              long pos = position.get();
              while (bb.hasRemaining()) {
                pos += file.write(bb, pos);
              }
              position.set(pos);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
        })
        .then().block();
    return ManualRanges.checkCount(position.get() - first, last - first + 1);
  }

  @Override
  public void close() {
    provider.disposeLater().block();
  }

}
