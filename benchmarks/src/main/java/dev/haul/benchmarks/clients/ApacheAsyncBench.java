package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5's asynchronous API (HTTP/1.1, pooling async connection manager, the whole body
 * buffered by {@code SimpleHttpResponse}): the in-flight model only, since its blocking peer is
 * the classic client ({@code apache}). Request scenarios only.
 */
public final class ApacheAsyncBench implements BenchClient {

  private CloseableHttpAsyncClient client;

  @Override
  public String name() {
    return "apache-async";
  }

  @Override
  public void start(int concurrency) {
    PoolingAsyncClientConnectionManager cm = PoolingAsyncClientConnectionManagerBuilder.create()
        .setMaxConnPerRoute(Math.max(concurrency, 5)).setMaxConnTotal(Math.max(concurrency, 25)).build();
    client = HttpAsyncClients.custom().setConnectionManager(cm).build();
    client.start();
  }

  @Override
  public Optional<String> unsupported(LoadModel model) {
    return model == LoadModel.INFLIGHT ? Optional.empty()
        : Optional.of("apache-async's blocking peer is the classic client, apache");
  }

  @Override
  public long get(URI uri) throws Exception {
    return getAsync(uri).get();
  }

  @Override
  public CompletableFuture<Long> getAsync(URI uri) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    SimpleHttpRequest request = SimpleRequestBuilder.get(uri).build();
    client.execute(request, new FutureCallback<SimpleHttpResponse>() {
      @Override
      public void completed(SimpleHttpResponse r) {
        byte[] body = r.getBodyBytes();
        f.complete(body == null ? 0L : body.length);
      }

      @Override
      public void failed(Exception e) {
        f.completeExceptionally(e);
      }

      @Override
      public void cancelled() {
        f.cancel(false);
      }
    });
    return f;
  }

  @Override
  public long download(URI uri, Path file) {
    throw new UnsupportedOperationException("apache-async is measured in the request scenarios only");
  }

  @Override
  public void close() {
    if (client != null) {
      client.close(CloseMode.GRACEFUL);
    }
  }
}
