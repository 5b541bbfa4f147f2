package dev.haul.examples.cli;

import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code haul serve DIR}: serve a folder with ranges, ETags and conditional requests. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve DIR over HTTP (Range, If-Range, ETag, Last-Modified, 304) until stopped.")
final class ServeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR")
  Path dir;

  @Option(names = "--port", defaultValue = "8080", description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--tls", description = "speak TLS with a certificate generated now; its CA is written to DIR/../haul-serve-ca.pem (DIR/haul-serve-ca.pem when DIR is /)")
  boolean tls;

  /** Counted down when the server is up (for tests); the command then waits for {@link #stop}. */
  final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stop = new CountDownLatch(1);
  volatile OriginServer server;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(dir)) {
      throw new HaulCli.UsageException(spec.commandLine(), "not a directory: " + dir);
    }
    OriginServer.Builder b = OriginServer.builder().bind(bind).port(port)
        .dispatcher(StaticContent.ofDirectory(dir));
    if (tls) {
      b.tls();
    }
    server = b.start();
    // From here on every way out, a failure to write the CA included, stops the server.
    try {
      Thread hook = new Thread(stop::countDown);
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("serving " + dir.toAbsolutePath() + " at " + server.url("/"));
      if (tls) {
        // Next to DIR; when DIR has no parent (serving /) inside DIR itself.
        Path abs = dir.toAbsolutePath().normalize();
        Path pem = (abs.getParent() != null ? abs.getParent() : abs).resolve("haul-serve-ca.pem");
        writeReplacing(pem, pem(server.trustedCertificate()));
        out.println("trust its CA with -Dhaul.tls.trust-pem=" + pem);
      }
      out.flush();
      started.countDown();
      try {
        stop.await();
      } finally {
        removeHook(hook);
      }
    } finally {
      server.close();
    }
    return HaulCli.OK;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running or has run.
    }
  }

  void stop() {
    stop.countDown();
  }

  /**
   * Writes a new file next to {@code target} (created new, never through a link) and renames it
   * over {@code target}: a symlink planted at {@code target} is replaced, never written through.
   */
  private static void writeReplacing(Path target, String text) throws java.io.IOException {
    Path tmp = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp); // an entry of ours from an earlier run of this pid; unlinking never follows
    Files.write(tmp, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
    try {
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String pem(java.security.cert.X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
