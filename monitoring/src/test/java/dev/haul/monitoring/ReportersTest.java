package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.testing.FakeTransport;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The reporters {@code haul.metrics.reporters} names really report, and stop with {@link Monitoring}. */
class ReportersTest {

  @TempDir
  Path dir;

  @Test
  void jmxSlf4jAndCsvReportTheRegistryAndStopWithMonitoring() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    MonitoringConfig config = MonitoringConfig.builder()
        .reporters(EnumSet.of(MonitoringConfig.Reporter.JMX, MonitoringConfig.Reporter.SLF4J, MonitoringConfig.Reporter.CSV))
        .reportInterval(Duration.ofHours(1)) // only the last report, on close, is relied on
        .csvDirectory(dir.resolve("csv").toString()).jmxDomain("dev.haul.reporterstest").build();
    Logger log = (Logger) LoggerFactory.getLogger("dev.haul.monitoring.metrics");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    HaulMetrics metrics = HaulMetrics.create(registry, config);
    FakeTransport transport = new FakeTransport().enqueue(200, "hello");
    try (HaulClient client = metrics.installOn(Haul.newBuilder()).transport(transport).build()) {
      Monitoring monitoring = Monitoring.start(client, metrics, config);
      assertThat(monitoring.reporterCount()).isEqualTo(3);
      client.send(Request.newBuilder("http://api.example/v1").build(), BodyHandlers.ofString());

      var mbeans = ManagementFactory.getPlatformMBeanServer();
      ObjectName requests = mbeans.queryNames(new ObjectName("dev.haul.reporterstest:*"), null).stream()
          .filter(n -> n.getKeyPropertyList().containsValue("haul.requests")).findFirst().orElseThrow();
      assertThat(mbeans.getAttribute(requests, "Count")).isEqualTo(1L);

      monitoring.close(); // scheduled reporters report one last time as they stop
      assertThat(mbeans.queryNames(new ObjectName("dev.haul.reporterstest:*"), null)).isEmpty();
    } finally {
      log.detachAppender(lines);
    }
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.contains("name=haul.requests,") && m.contains("count=1,"))
        .anyMatch(m -> m.contains("name=haul.http_api_example_80.responses.2xx,") && m.contains("count=1,"));
    Path csv = dir.resolve("csv").resolve("haul.http_api_example_80.requests.csv");
    assertThat(csv).exists();
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).startsWith("t,count");
    assertThat(rows.get(rows.size() - 1).split(",")[1]).isEqualTo("1");
  }

  @Test
  void aCsvDirectoryThatCannotBeCreatedIsAClearErrorAndStartsNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    MonitoringConfig config = MonitoringConfig.builder().reporters(EnumSet.of(MonitoringConfig.Reporter.JMX,
        MonitoringConfig.Reporter.CSV)).csvDirectory(file.resolve("sub").toString()).jmxDomain("dev.haul.reporterstest2").build();
    HaulMetrics metrics = HaulMetrics.create(new MetricRegistry(), config);
    try (HaulClient client = metrics.installOn(Haul.newBuilder()).transport(new FakeTransport()).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Monitoring.start(client, metrics, config))
          .hasMessageContaining("haul.metrics.csv-directory");
    }
    assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("dev.haul.reporterstest2:*"), null))
        .as("the JMX reporter started before it was stopped again").isEmpty();
  }
}
