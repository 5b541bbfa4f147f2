package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Typed request tags: kept by every rebuild of a request and seen by interceptors and listeners. */
class RequestTagsTest {

  private static final DownloadSegment SEGMENT = new DownloadSegment("dl-7", 3, 3L << 20, 1L << 20);

  /** A tag type of the test's own, holding a secret that must never be printed. */
  record Token(String secret) {}

  @Test
  void aTagIsReadBackByTypeAndKeptByToBuilder() {
    Request r = Request.newBuilder("http://h/x").tag(DownloadSegment.class, SEGMENT).build();
    assertThat(r.tag(DownloadSegment.class)).contains(SEGMENT);
    assertThat(r.tag(String.class)).isEmpty();
    assertThat(r.tagTypes()).containsExactly(DownloadSegment.class);

    Request copy = r.toBuilder().header("Range", "bytes=5-").build();
    assertThat(copy.tag(DownloadSegment.class)).contains(SEGMENT);

    Request replaced = r.toBuilder().tag(DownloadSegment.class, DownloadSegment.whole("dl-7", -1)).build();
    assertThat(replaced.tag(DownloadSegment.class).orElseThrow().isWhole()).isTrue();
    assertThat(r.tag(DownloadSegment.class)).contains(SEGMENT); // the original is untouched

    Request removed = r.toBuilder().tag(DownloadSegment.class, null).build();
    assertThat(removed.tag(DownloadSegment.class)).isEmpty();
    assertThat(removed.tagTypes()).isEmpty();
  }

  @Test
  void aValueOfAnotherTypeIsRefused() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Object> lying = (Class) String.class;
    assertThatThrownBy(() -> Request.newBuilder("http://h/x").tag(lying, 42))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void tagsNeverAppearInToString() {
    Request r = Request.newBuilder("http://h/x").tag(Token.class, new Token("s3cr3t")).build();
    assertThat(r.toString()).doesNotContain("s3cr3t").doesNotContain("Token");
  }

  @Test
  void interceptorsAndListenersSeeTheTagOnEveryHopOfARedirect() {
    FakeTransport transport = new FakeTransport();
    transport.enqueue(302, Headers.builder().add("Location", "http://other.test/y").build(), "");
    transport.enqueue(200, "done");
    List<String> seen = new CopyOnWriteArrayList<>();
    try (HaulClient client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .addInterceptor(chain -> {
          seen.add("app " + chain.request().tag(DownloadSegment.class).map(DownloadSegment::index).orElse(null));
          return chain.proceed(chain.request());
        })
        .addNetworkInterceptor(chain -> {
          seen.add("net " + chain.request().uri().getHost() + " "
              + chain.request().tag(DownloadSegment.class).map(DownloadSegment::index).orElse(null));
          return chain.proceed(chain.request());
        })
        .addEventListener(new EventListener() {
          @Override
          public void requestStart(Request request) {
            seen.add("event " + request.uri().getHost() + " "
                + request.tag(DownloadSegment.class).map(DownloadSegment::downloadId).orElse(null));
          }
        })
        .build()) {
      Response<String> r = client.send(Request.newBuilder("http://api.test/x").tag(DownloadSegment.class, SEGMENT)
          .build(), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("done");
      assertThat(r.request().tag(DownloadSegment.class)).contains(SEGMENT);
    }
    // Where requestStart fires against the network interceptors is the engine's business.
    assertThat(seen).containsExactlyInAnyOrder("app 3", "event api.test dl-7", "net api.test 3",
        "event other.test dl-7", "net other.test 3");
    assertThat(transport.exchanges()).allSatisfy(ex ->
        assertThat(ex.request().tag(DownloadSegment.class)).contains(SEGMENT));
  }

  @Test
  void aRetryKeepsTheTag() {
    FakeTransport transport = new FakeTransport();
    transport.enqueue(503, "busy");
    transport.enqueue(200, "ok");
    try (HaulClient client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.of(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).build()))
        .build()) {
      client.send(Request.newBuilder("http://api.test/x").tag(DownloadSegment.class, SEGMENT).build(),
          BodyHandlers.ofString());
    }
    assertThat(transport.exchanges()).hasSize(2).allSatisfy(ex ->
        assertThat(ex.request().tag(DownloadSegment.class)).contains(SEGMENT));
  }

  @Test
  void downloadSegmentChecksItsFields() {
    assertThat(DownloadSegment.whole("d", 10)).isEqualTo(new DownloadSegment("d", -1, 0, 10));
    assertThat(new DownloadSegment("d", 0, 0, -1).isWhole()).isFalse();
    assertThatThrownBy(() -> new DownloadSegment("", 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DownloadSegment("d", -2, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DownloadSegment("d", -1, 5, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DownloadSegment("d", 0, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DownloadSegment("d", 0, 0, -2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DownloadSegment("d", 0, Long.MAX_VALUE, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new DownloadSegment("d", 0, Long.MAX_VALUE - 1, 1).length()).isEqualTo(1);
  }
}
