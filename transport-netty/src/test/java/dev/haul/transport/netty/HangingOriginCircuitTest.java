package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BodyHandlers;
import dev.haul.CircuitOpenException;
import dev.haul.CircuitState;
import dev.haul.DeadlineExceededException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.SendState;
import dev.haul.internal.DefaultHaulClient;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 review: an origin that accepts connections, reads the request and never answers (F11),
 * with a call timeout shorter than the response-headers timeout. Every attempt ended as a
 * {@link DeadlineExceededException}, which the circuit breaker counted as nothing, so the circuit
 * never opened and every caller waited out its whole deadline.
 */
class HangingOriginCircuitTest {

  @Test
  void anOriginThatNeverAnswersOpensTheCircuitBeforeTheResponseHeadersTimeout() {
    try (OriginServer server = OriginServer.start();
        HaulClient client = Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none())
            .config(HaulConfig.builder().circuit(dev.haul.CircuitBreakerSettings.builder().enabled(true)
                .failureRate(0.5).minimumCalls(100)
                .window(Duration.ofSeconds(10)).consecutiveFailures(3).openDuration(Duration.ofSeconds(30)).build())
                .responseHeadersTimeout(Duration.ofSeconds(30)).build())
            .build()) {
      Origin origin = Origin.of(server.url("/"));
      // Warm up (class loading, the first connect) so the stalled calls' requests surely go out
      // within their deadline.
      server.enqueue(MockResponse.ok("up"));
      assertThat(client.send(Request.newBuilder(server.url("/warm")).build(), BodyHandlers.ofString()).body()).isEqualTo("up");
      Request request = Request.newBuilder(server.url("/hang")).callTimeout(Duration.ofSeconds(1)).build();
      for (int i = 0; i < 3; i++) {
        server.enqueue(MockResponse.fault(Fault.STALL_BEFORE_HEADERS));
        assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString()))
            .isInstanceOf(DeadlineExceededException.class)
            .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.SENT_NO_RESPONSE));
      }
      assertThat(((DefaultHaulClient) client).circuitState(origin)).isEqualTo(CircuitState.OPEN);
      assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString())).isInstanceOf(CircuitOpenException.class);
      assertThat(server.requestCount()).isEqualTo(4);
    }
  }
}
