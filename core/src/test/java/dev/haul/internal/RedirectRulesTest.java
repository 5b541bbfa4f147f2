package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.Headers;
import dev.haul.Origin;
import dev.haul.RedirectException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.TooManyRedirectsException;
import dev.haul.spi.RawResponse;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectRulesTest {

  private final RedirectInterceptor redirects = new RedirectInterceptor(20, false, Set.of());

  private static RawResponse redirect(Request req, int status, String... location) {
    Headers.Builder h = Headers.builder();
    for (String l : location) {
      h.add("Location", l);
    }
    return RawResponse.builder().request(req).status(status).headers(h.build()).build();
  }

  @Test
  void relativeLocationsResolvePerRfc3986() {
    URI base = URI.create("http://a/b/c/d;p?q");
    assertThat(RedirectInterceptor.resolve(base, "g")).isEqualTo(URI.create("http://a/b/c/g"));
    assertThat(RedirectInterceptor.resolve(base, "./g")).isEqualTo(URI.create("http://a/b/c/g"));
    assertThat(RedirectInterceptor.resolve(base, "/g")).isEqualTo(URI.create("http://a/g"));
    assertThat(RedirectInterceptor.resolve(base, "//h/g")).isEqualTo(URI.create("http://h/g"));
    assertThat(RedirectInterceptor.resolve(base, "../g")).isEqualTo(URI.create("http://a/b/g"));
    assertThat(RedirectInterceptor.resolve(base, "g?y")).isEqualTo(URI.create("http://a/b/c/g?y"));
    assertThat(RedirectInterceptor.resolve(base, "https://s3.example/x?X-Amz-Signature=1"))
        .isEqualTo(URI.create("https://s3.example/x?X-Amz-Signature=1"));
  }

  @ParameterizedTest(name = "B17 Location [{0}]")
  @ValueSource(strings = {"", "file:///etc/passwd", "ftp://h/x", "javascript:alert(1)", "/a%0d%0aSet-Cookie:x",
      "http://a@evil@good/", "http://[bad", "data:text/html,hi"})
  void badLocationsAreTypedErrors(String location) {
    Request req = Request.get("http://api.test/start");
    assertThatThrownBy(() -> redirects.followUp(req, redirect(req, 302, location), 0))
        .isInstanceOf(RedirectException.class);
  }

  @Test
  void missingOrRepeatedLocationIsAnError() {
    Request req = Request.get("http://api.test/start");
    assertThatThrownBy(() -> redirects.followUp(req, redirect(req, 301), 0))
        .isInstanceOf(RedirectException.class).hasMessageContaining("without a Location");
    assertThatThrownBy(() -> redirects.followUp(req, redirect(req, 301, "/a", "/b"), 0))
        .isInstanceOf(RedirectException.class).hasMessageContaining("several");
  }

  @Test
  void hopLimit() {
    Request req = Request.get("http://api.test/start");
    assertThatThrownBy(() -> redirects.followUp(req, redirect(req, 302, "/next"), 20))
        .isInstanceOf(TooManyRedirectsException.class).hasMessageContaining("haul.redirect.max-hops = 20");
  }

  @Test
  void methodRules() {
    Request post = Request.newBuilder("http://api.test/form").POST(RequestBody.ofString("a=1", "text/plain"))
        .header("Content-Type", "text/plain").build();
    for (int status : new int[] {301, 302, 303}) {
      Request next = redirects.followUp(post, redirect(post, status, "/done"), 0);
      assertThat(next.method()).isEqualTo("GET");
      assertThat(next.body()).isEmpty();
      assertThat(next.headers().contains("Content-Type")).isFalse();
    }
    for (int status : new int[] {307, 308}) {
      Request next = redirects.followUp(post, redirect(post, status, "/again"), 0);
      assertThat(next.method()).isEqualTo("POST");
      assertThat(next.body()).isPresent();
    }
    Request put = Request.newBuilder("http://api.test/x").PUT(RequestBody.ofString("v", "text/plain")).build();
    assertThat(redirects.followUp(put, redirect(put, 302, "/y"), 0).method()).isEqualTo("PUT");
    Request head = Request.newBuilder("http://api.test/x").HEAD().build();
    assertThat(redirects.followUp(head, redirect(head, 303, "/y"), 0).method()).isEqualTo("HEAD");

    Request oneShot = Request.newBuilder("http://api.test/up")
        .POST(RequestBody.ofPublisher(s -> {}, 1, "text/plain")).build();
    assertThat(redirects.followUp(oneShot, redirect(oneShot, 307, "/else"), 0))
        .as("a one-shot body is never replayed: the 307 goes back to the caller").isNull();
  }

  @Test
  void httpsToHttpIsRefusedUnlessAllowed() {
    Request req = Request.get("https://api.test/x");
    assertThatThrownBy(() -> redirects.followUp(req, redirect(req, 302, "http://api.test/x"), 0))
        .isInstanceOf(RedirectException.class).hasMessageContaining("haul.redirect.allow-https-to-http");
    RedirectInterceptor lenient = new RedirectInterceptor(20, true, Set.of());
    assertThat(lenient.followUp(req, redirect(req, 302, "http://api.test/x"), 0).uri().getScheme()).isEqualTo("http");
  }

  @Test
  void credentialsStayOnTheirOriginUnlessTrusted() {
    Request req = Request.newBuilder("https://api.test/x").header("Authorization", "Bearer k")
        .header("Cookie", "c=1").header("X-Canary", "1").sensitiveHeader("X-Canary").header("Accept", "*/*").build();
    Request same = redirects.followUp(req, redirect(req, 302, "/y"), 0);
    assertThat(same.headers().contains("Authorization")).isTrue();
    Request other = redirects.followUp(req, redirect(req, 302, "https://storage.test/y"), 0);
    assertThat(other.headers().names()).containsExactly("Accept");
    Request port = redirects.followUp(req, redirect(req, 302, "https://api.test:8443/y"), 0);
    assertThat(port.headers().contains("Authorization")).isFalse();
    RedirectInterceptor trusting = new RedirectInterceptor(20, false, Set.of(Origin.parse("https://storage.test")));
    assertThat(trusting.followUp(req, redirect(req, 302, "https://storage.test/y"), 0).headers().contains("Authorization")).isTrue();
  }
}
