package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestTest {

  @Test
  void buildsImmutableRequestWithOptions() {
    Request r = Request.newBuilder("https://api.example.com/v1/models?page=2#frag")
        .header("Accept", "application/json")
        .timeout(Timeouts.Kind.CONNECT, Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(30))
        .tag("api", "models")
        .sensitiveHeader("X-Signature")
        .build();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.uri()).isEqualTo(URI.create("https://api.example.com/v1/models?page=2"));
    assertThat(r.origin()).isEqualTo(new Origin("https", "api.example.com", 443));
    assertThat(r.timeoutOverrides()).containsEntry(Timeouts.Kind.CONNECT, Duration.ofSeconds(2));
    assertThat(r.callTimeout()).hasValue(Duration.ofSeconds(30));
    assertThat(r.tags()).containsEntry("api", "models");
    assertThat(r.isSensitiveHeader("x-signature")).isTrue();
    assertThat(r.isSensitiveHeader("Authorization")).isTrue();
    assertThat(r.isIdempotent()).isTrue();

    Request copy = r.toBuilder().header("X-More", "1").build();
    assertThat(r.headers().contains("X-More")).isFalse();
    assertThat(copy.headers().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void repeatabilityFollowsMethodBodyAndOptIn() {
    RequestBody bytes = RequestBody.ofString("{}", "application/json");
    RequestBody oneShot = RequestBody.ofPublisher(subscriber -> {}, 2, null);
    assertThat(Request.newBuilder("http://h/").POST(bytes).build().isRepeatable()).isFalse();
    assertThat(Request.newBuilder("http://h/").POST(bytes).safeToRetry(true).build().isRepeatable())
        .isTrue();
    assertThat(Request.newBuilder("http://h/").POST(oneShot).safeToRetry(true).build().isRepeatable())
        .isFalse();
    assertThat(Request.newBuilder("http://h/").PUT(oneShot).build().isRepeatable()).isFalse();
    assertThat(Request.newBuilder("http://h/").PUT(bytes).build().isRepeatable()).isTrue();
  }

  @Test
  void oneShotBodyCannotBePublishedTwice() {
    RequestBody oneShot = RequestBody.ofPublisher(subscriber -> {}, -1, null);
    oneShot.publisher();
    assertThatThrownBy(oneShot::publisher).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void controlCharactersInUriAreRejectedWithoutEcho() {
    assertThatThrownBy(() -> Request.newBuilder("http://h/a?token=s3cret\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> Request.newBuilder("http://h/a\u0000b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crLfInMethodIsRejected() {
    assertThatThrownBy(() -> Request.newBuilder("http://h/").method("GET\r\nX", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method");
  }

  @Test
  void ambiguousAuthorityIsRejected() {
    assertThatThrownBy(() -> Request.newBuilder("http://a@evil@good/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ambiguous authority");
  }

  @Test
  void onlyAbsoluteHttpUrisAreAccepted() {
    assertThatThrownBy(() -> Request.newBuilder("ftp://h/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
    assertThatThrownBy(() -> Request.newBuilder("/relative"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    assertThatThrownBy(() -> Request.newBuilder("file:/etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringRedactsUserInfoAndTokens() {
    Request r = Request.get("https://user:pw@storage.example/f.bin?X-Amz-Signature=abc&part=1&api_key=k");
    assertThat(r.toString())
        .doesNotContain("pw").doesNotContain("abc").doesNotContain("=k")
        .contains("part=1").contains("storage.example");
  }

  @Test
  void badTimeoutNamesTheKey() {
    assertThatThrownBy(() -> Request.newBuilder("http://h/")
        .timeout(Timeouts.Kind.CONNECT, Duration.ofSeconds(-1)))
        .hasMessage("haul.timeout.connect: -1s (expected: > 0)");
  }
}
