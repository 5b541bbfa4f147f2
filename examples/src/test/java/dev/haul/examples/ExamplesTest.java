package dev.haul.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import dev.haul.HaulClient;
import dev.haul.Origin;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.OriginServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OriginServerExtension.class)
class ExamplesTest {

  @Test
  void quickStartFetches(OriginServer server) {
    server.enqueue(MockResponse.ok("{\"models\":[]}"));
    assertThat(QuickStart.fetch(server.url("/api/v1/models").toString())).isEqualTo("200 {\"models\":[]}");
    assertThat(server.takeRequest().header("Accept")).isEqualTo("application/json");
  }

  @Test
  void guiceWiringOverridesTheRetryPolicy(OriginServer server) {
    server.enqueue(MockResponse.builder().status(503).build());
    GuiceWiring.RequestCounter counter = new GuiceWiring.RequestCounter();
    Injector injector = GuiceWiring.withoutRetries(counter);
    try {
      assertThat(GuiceWiring.get(injector, server.url("/").toString())).isEqualTo(503);
      assertThat(counter.requests.get()).isEqualTo(1);
      assertThat(server.requestCount()).isEqualTo(1);
    } finally {
      injector.getInstance(HaulClient.class).close();
    }
  }

  @Test
  void retryAndRedirectConfiguration(OriginServer api, OriginServer storage) {
    api.enqueue(MockResponse.builder().status(503).header("Retry-After", "0").build());
    api.enqueue(MockResponse.builder().status(307).header("Location", storage.url("/file?sig=abc").toString()).build());
    storage.enqueue(MockResponse.ok("file contents"));
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (HaulClient client = RetryAndRedirects.client(Origin.of(api.url("/")), "k", log)) {
      assertThat(client.send(dev.haul.Request.get(api.url("/download").toString()),
          dev.haul.BodyHandlers.ofString()).body()).isEqualTo("file contents");
    }
    assertThat(log).hasSize(2);
    assertThat(log.get(0)).startsWith("retry after 0 ms");
    assertThat(log.get(1)).startsWith("redirect 307");
    assertThat(api.takeRequest().header("Authorization")).isEqualTo("Bearer k");
    assertThat(storage.takeRequest().header("Authorization")).isNull();
  }

  /** What {@code main} printed on stdout. */
  private static String stdoutOf(Runnable main) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  // Issue 8 defect 14: this test ran the mains and asserted nothing; each main's output is what
  // proves it did its job against its embedded origin.
  @Test
  void mainsRun() {
    assertThat(stdoutOf(() -> QuickStart.main(new String[0]))).isEqualTo("200 {\"hello\":\"haul\"}" + System.lineSeparator());
    assertThat(stdoutOf(() -> GuiceWiring.main(new String[0])))
        .isEqualTo("status 503 after 1 request(s): the override turned retries off" + System.lineSeparator());
    String[] lines = stdoutOf(() -> RetryAndRedirects.main(new String[0])).split("\\R");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).as("the 429's Retry-After: 1 is honoured").startsWith("retry after 1000 ms");
    assertThat(lines[1]).startsWith("redirect 307");
    assertThat(lines[2]).as("the key stays with the API origin")
        .isEqualTo("200 file contents; storage saw Authorization: null");
  }
}
