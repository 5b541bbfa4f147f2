package dev.haul.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves a folder from the command line: {@code OriginServerMain DIR [--port P] [--bind ADDR]
 * [--tls]}. Prints the base URL and serves until the process is stopped.
 */
public final class OriginServerMain {

  private OriginServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = null;
    OriginServer.Builder b = OriginServer.builder();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> b.port(Integer.parseInt(args[++i]));
        case "--bind" -> b.bind(args[++i]);
        case "--tls" -> b.tls();
        default -> dir = Path.of(args[i]);
      }
    }
    if (dir == null || !Files.isDirectory(dir)) {
      System.err.println("usage: OriginServerMain DIR [--port P] [--bind ADDR] [--tls]");
      System.exit(2);
      return;
    }
    OriginServer server = b.dispatcher(StaticContent.ofDirectory(dir)).start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("serving " + dir.toAbsolutePath() + " at " + server.url("/"));
    Thread.currentThread().join();
  }
}
