package dev.haul.monitoring.internal;

import com.codahale.metrics.ConsoleReporter;
import com.codahale.metrics.CsvReporter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.ScheduledReporter;
import com.codahale.metrics.Slf4jReporter;
import com.codahale.metrics.jmx.JmxReporter;
import dev.haul.monitoring.MonitoringConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** The Dropwizard reporters {@code haul.metrics.reporters} names, started and stopped together. */
public final class Reporters implements AutoCloseable {

  /** The logger the {@code slf4j} reporter writes to. */
  public static final String LOGGER = "dev.haul.monitoring.metrics";

  private final List<AutoCloseable> running = new ArrayList<>();

  public Reporters(MetricRegistry registry, MonitoringConfig config) {
    long seconds = config.reportInterval().toSeconds();
    try {
      for (MonitoringConfig.Reporter r : config.reporters()) {
        switch (r) {
          case JMX -> {
            JmxReporter jmx = JmxReporter.forRegistry(registry).inDomain(config.jmxDomain())
                .convertRatesTo(TimeUnit.SECONDS).convertDurationsTo(TimeUnit.MILLISECONDS).build();
            jmx.start();
            running.add(jmx);
          }
          case SLF4J -> start(Slf4jReporter.forRegistry(registry).outputTo(LoggerFactory.getLogger(LOGGER))
              .convertRatesTo(TimeUnit.SECONDS).convertDurationsTo(TimeUnit.MILLISECONDS).build(), seconds);
          case CSV -> {
            Path dir = Path.of(config.csvDirectory());
            try {
              Files.createDirectories(dir);
            } catch (IOException e) {
              throw new UncheckedIOException("haul.metrics.csv-directory: cannot create " + dir, e);
            }
            start(CsvReporter.forRegistry(registry).formatFor(Locale.ROOT).convertRatesTo(TimeUnit.SECONDS)
                .convertDurationsTo(TimeUnit.MILLISECONDS).build(dir.toFile()), seconds);
          }
          case CONSOLE -> start(ConsoleReporter.forRegistry(registry).convertRatesTo(TimeUnit.SECONDS)
              .convertDurationsTo(TimeUnit.MILLISECONDS).build(), seconds);
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void start(ScheduledReporter reporter, long seconds) {
    reporter.start(seconds, TimeUnit.SECONDS);
    running.add(reporter);
  }

  /** How many reporters run. */
  public int size() {
    return running.size();
  }

  @Override
  public void close() {
    for (AutoCloseable c : running) {
      try {
        c.close(); // a scheduled reporter reports once more as it stops
      } catch (Exception e) {
        LoggerFactory.getLogger(Reporters.class).warn("closing reporter {} failed", c.getClass().getSimpleName(), e);
      }
    }
    running.clear();
  }
}
