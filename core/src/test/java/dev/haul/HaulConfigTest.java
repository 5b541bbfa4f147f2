package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.config.ConfigSource;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaulConfigTest {

  @Test
  void defaults() {
    HaulConfig c = HaulConfig.defaults();
    assertThat(c.timeouts().get(Timeouts.Kind.CONNECT)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.timeouts().get(Timeouts.Kind.TLS_HANDSHAKE)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.timeouts().get(Timeouts.Kind.POOL_ACQUIRE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.timeouts().get(Timeouts.Kind.WRITE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.timeouts().get(Timeouts.Kind.RESPONSE_HEADERS)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.timeouts().get(Timeouts.Kind.READ_IDLE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.callTimeout()).isEmpty();
    assertThat(c.retry().maxRetries()).isEqualTo(3);
    assertThat(c.retry().baseDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.retry().multiplier()).isEqualTo(2.0);
    assertThat(c.retry().maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.retry().maxRetryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.userAgent()).isEqualTo("haul/0.1.0");
    assertThat(HaulConfig.from(ConfigSource.fromMap(Map.of()))).isEqualTo(c);
  }

  @Test
  void explicitPropertyMappings() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("haul.timeout.connect", "2s");
    props.put("haul.timeout.tls-handshake", "3s");
    props.put("haul.timeout.pool-acquire", "4s");
    props.put("haul.timeout.write", "5s");
    props.put("haul.timeout.response-headers", "6s");
    props.put("haul.timeout.read-idle", "500ms");
    props.put("haul.timeout.call", "PT1M");
    props.put("haul.retry.max-retries", "7");
    props.put("haul.retry.base-delay", "250ms");
    props.put("haul.retry.multiplier", "1.5");
    props.put("haul.retry.max-delay", "10s");
    props.put("haul.retry.max-retry-after", "1m");
    props.put("haul.retry.budget-ratio", "0.5");
    props.put("haul.retry.budget-min-per-second", "2.0");
    props.put("haul.redirect.max-hops", "5");
    props.put("haul.redirect.allow-https-to-http", "true");
    props.put("haul.redirect.trusted-origins", "https://cdn.example.com:443");
    props.put("haul.auth.bearer-token", "s3cr3t-canary");
    props.put("haul.auth.bearer-origins", "https://api.example.com:443");
    props.put("haul.circuit.enabled", "true");
    props.put("haul.circuit.failure-rate", "0.25");
    props.put("haul.circuit.minimum-calls", "4");
    props.put("haul.circuit.window", "30s");
    props.put("haul.circuit.consecutive-failures", "3");
    props.put("haul.circuit.open-duration", "1m");
    props.put("haul.user-agent", "civitai-sync/2");

    HaulConfig expected = HaulConfig.builder()
        .timeout(Timeouts.Kind.CONNECT, Duration.ofSeconds(2))
        .timeout(Timeouts.Kind.TLS_HANDSHAKE, Duration.ofSeconds(3))
        .timeout(Timeouts.Kind.POOL_ACQUIRE, Duration.ofSeconds(4))
        .timeout(Timeouts.Kind.WRITE, Duration.ofSeconds(5))
        .timeout(Timeouts.Kind.RESPONSE_HEADERS, Duration.ofSeconds(6))
        .timeout(Timeouts.Kind.READ_IDLE, Duration.ofMillis(500))
        .callTimeout(Duration.ofMinutes(1))
        .retry(RetrySettings.builder()
            .maxRetries(7)
            .baseDelay(Duration.ofMillis(250))
            .multiplier(1.5)
            .maxDelay(Duration.ofSeconds(10))
            .maxRetryAfter(Duration.ofMinutes(1))
            .budget(0.5, 2.0)
            .build())
        .redirectMaxHops(5)
        .redirectAllowHttpsToHttp(true)
        .redirectTrustedOrigins(java.util.Set.of(Origin.parse("https://cdn.example.com")))
        .bearer("s3cr3t-canary", java.util.Set.of(Origin.parse("https://api.example.com")))
        .circuit(CircuitBreakerSettings.builder().enabled(true).failureRate(0.25).minimumCalls(4)
            .window(Duration.ofSeconds(30)).consecutiveFailures(3).openDuration(Duration.ofMinutes(1)).build())
        .userAgent("civitai-sync/2")
        .build();
    HaulConfig read = HaulConfig.from(ConfigSource.fromMap(props));
    assertThat(read).isEqualTo(expected);
    assertThat(read).isNotEqualTo(HaulConfig.defaults());
    // Every key is mapped: the dump of the read config has exactly the keys we set.
    assertThat(read.dump().keySet()).containsExactlyInAnyOrderElementsOf(props.keySet());
    // The dump redacts the token and reads back to the same configuration otherwise.
    assertThat(read.dump()).containsEntry("haul.auth.bearer-token", Redaction.REDACTED);
    assertThat(read.dump().toString()).doesNotContain("s3cr3t-canary");
    assertThat(read.toString()).doesNotContain("s3cr3t-canary");
    assertThat(read.bearerAuth().orElseThrow().toString()).doesNotContain("s3cr3t-canary");
    assertThat(read.bearerAuth().orElseThrow().headerValue()).isEqualTo("Bearer s3cr3t-canary");
    Map<String, String> back = new LinkedHashMap<>(read.dump());
    back.put("haul.auth.bearer-token", "s3cr3t-canary");
    assertThat(HaulConfig.from(ConfigSource.fromMap(back))).isEqualTo(read);
  }

  @Test
  void environmentNamesMapToKeys() {
    assertThat(ConfigSource.environmentName("haul.pool.max-per-host")).isEqualTo("HAUL_POOL_MAX_PER_HOST");
    ConfigSource env = ConfigSource.fromEnvironment(Map.of(
        "HAUL_TIMEOUT_CONNECT", "3s", "HAUL_RETRY_MAX_RETRIES", "1"));
    HaulConfig c = HaulConfig.from(ConfigSource.fromMap(Map.of("haul.retry.max-retries", "5")).orElse(env));
    assertThat(c.timeouts().get(Timeouts.Kind.CONNECT)).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.retry().maxRetries()).isEqualTo(5); // the map wins over the environment
  }

  @Test
  void badValuesGiveTheDocumentedMessage() {
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.timeout.connect", "-1s"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("haul.timeout.connect: -1s (expected: > 0)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.timeout.connect", "soon"))))
        .hasMessage("haul.timeout.connect: 'soon' (expected: a duration such as 500ms, 10s, 5m or PT1M)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.retry.max-retries", "500"))))
        .hasMessage("haul.retry.max-retries: 500 (expected: 0..100)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.retry.multiplier", "0.5"))))
        .hasMessage("haul.retry.multiplier: 0.5 (expected: 1.0..10.0)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.timeout.call", "-5s"))))
        .hasMessage("haul.timeout.call: -5s (expected: >= 0)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of(
        "haul.retry.base-delay", "1m", "haul.retry.max-delay", "10s"))))
        .hasMessage("haul.retry.max-delay: 10s (expected: >= haul.retry.base-delay, 1m)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.user-agent", "x\r\ny"))))
        .hasMessageContaining("User-Agent").hasMessageNotContaining("x\r\ny");
  }

  @Test
  void emptyUserAgentMeansNone() {
    // Issue 8 defect 12: an empty haul.user-agent was refused, so the header could not be left out.
    assertThat(HaulConfig.from(ConfigSource.fromMap(Map.of("haul.user-agent", ""))).userAgent()).isEmpty();
    assertThat(HaulConfig.builder().userAgent("").build().userAgent()).isEmpty();
    assertThat(HaulConfig.from(ConfigSource.fromMap(Map.of("haul.user-agent", ""))).dump())
        .containsEntry("haul.user-agent", "");
  }

  @Test
  void bearerTokenNeedsOriginsAndIsNeverEchoed() {
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.auth.bearer-token", "abc"))))
        .hasMessageContaining("haul.auth.bearer-origins");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of(
        "haul.auth.bearer-token", "abc\r\ndef", "haul.auth.bearer-origins", "https://a.example"))))
        .hasMessage("haul.auth.bearer-token: <redacted> (expected: no control characters)");
    assertThatThrownBy(() -> HaulConfig.from(ConfigSource.fromMap(Map.of("haul.auth.bearer-origins", "ftp://x"))))
        .hasMessage("haul.auth.bearer-origins: 'ftp://x' (expected: origins such as https://api.example.com)");
    assertThat(HaulConfig.defaults().dump()).containsEntry("haul.auth.bearer-token", "")
        .containsEntry("haul.timeout.connect", "10s");
    assertThat(Redaction.isSecretKey("haul.timeout.connect")).isFalse();
    assertThat(Redaction.isSecretKey("haul.auth.bearer-origins")).isFalse();
    assertThat(Redaction.isSecretKey("haul.auth.bearer-token")).isTrue();
  }

  @Test
  void retryAndCircuitSettingsAreReadOnceAndDriveThePolicy() {
    ConfigSource source = ConfigSource.fromMap(Map.of("haul.retry.max-retries", "1", "haul.retry.base-delay", "0s",
        "haul.retry.max-delay", "0s", "haul.circuit.enabled", "true", "haul.circuit.minimum-calls", "7"));
    HaulConfig config = HaulConfig.from(source);
    assertThat(config.retry()).isEqualTo(RetrySettings.builder().read(source).build());
    assertThat(config.circuit()).isEqualTo(CircuitBreakerSettings.builder().read(source).build());
    assertThat(config.circuit().enabled()).isTrue();
    assertThat(config.circuit().minimumCalls()).isEqualTo(7);
    assertThat(HaulConfig.builder().retry(config.retry()).circuit(config.circuit()).build()).isEqualTo(config);
    assertThat(config.toBuilder().build()).isEqualTo(config);

    // haul.retry.max-retries = 1: the first failed attempt is retried, the second is not.
    RetryPolicy policy = RetryPolicy.fromConfig(config);
    Request request = Request.get("http://h/");
    RawResponse unavailable = RawResponse.builder().request(request).status(503).build();
    assertThat(policy.decide(new RetryPolicy.Attempt(request, 1, unavailable, null)).shouldRetry()).isTrue();
    RetryPolicy.Decision second = policy.decide(new RetryPolicy.Attempt(request, 2, unavailable, null));
    assertThat(second.shouldRetry()).isFalse();
    assertThat(second.reason()).contains("haul.retry.max-retries = 1");
  }

  @Test
  void retrySettingsCheckTheirRulesWhereverTheyAreBuilt() {
    assertThatThrownBy(() -> RetrySettings.builder().baseDelay(Duration.ofMinutes(1)).maxDelay(Duration.ofSeconds(10))
        .build()).hasMessage("haul.retry.max-delay: 10s (expected: >= haul.retry.base-delay, 1m)");
    assertThatThrownBy(() -> RetrySettings.builder().maxRetries(101))
        .hasMessage("haul.retry.max-retries: 101 (expected: 0..100)");
    assertThat(RetrySettings.builder().maxRetries(100).build().maxRetries()).isEqualTo(100);
    assertThatThrownBy(() -> CircuitBreakerSettings.builder().failureRate(0.009))
        .hasMessage("haul.circuit.failure-rate: 0.009 (expected: 0.01..1.0)");
    assertThatThrownBy(() -> CircuitBreakerSettings.builder().window(Duration.ZERO))
        .hasMessage("haul.circuit.window: 0s (expected: > 0)");
    assertThat(RetrySettings.defaults().toString()).startsWith("RetrySettings{haul.retry.max-retries=3");
  }
}
