package dev.haul.benchmarks;

import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The origin the clients are measured against: a real nginx on 127.0.0.1 when one is installed
 * (configured here with its own files and port), otherwise testkit's origin server.
 */
abstract class Origins implements AutoCloseable {

  abstract String kind();

  abstract URI url(String path);

  static Origins start(Path root, String wanted) throws Exception {
    Path nginx = findNginx();
    if (wanted.equals("nginx") || wanted.equals("auto") && nginx != null) {
      if (nginx == null) {
        throw new IllegalStateException("--origin nginx: no nginx binary found (Debian package nginx)");
      }
      return new Nginx(nginx, root);
    }
    return new Testkit(root);
  }

  static Path findNginx() {
    for (String p : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  static final class Testkit extends Origins {
    private final OriginServer server;

    Testkit(Path root) {
      server = OriginServer.builder().threads(1).dispatcher(StaticContent.ofDirectory(root)).start();
    }

    @Override
    String kind() {
      return "testkit";
    }

    @Override
    URI url(String path) {
      return server.url(path);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  static final class Nginx extends Origins {
    private final Process process;
    private final int port;

    Nginx(Path binary, Path root) throws Exception {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path prefix = Files.createTempDirectory("haul-bench-nginx");
      Files.createDirectories(prefix.resolve("logs"));
      String conf = """
          worker_processes 1;
          daemon off;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log warn;
          events { worker_connections 4096; }
          http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 10000000;
            keepalive_timeout 120s;
            default_type application/octet-stream;
            client_body_temp_path %1$s/tmp;
            proxy_temp_path %1$s/tmp;
            fastcgi_temp_path %1$s/tmp;
            uwsgi_temp_path %1$s/tmp;
            scgi_temp_path %1$s/tmp;
            server {
              listen 127.0.0.1:%2$d;
              root %3$s;
              location / { }
            }
          }
          """.formatted(prefix, port, root.toAbsolutePath());
      Path file = prefix.resolve("nginx.conf");
      Files.writeString(file, conf);
      process = new ProcessBuilder(binary.toString(), "-p", prefix.toString(), "-c", file.toString())
          .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException e) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("nginx did not start; see " + prefix.resolve("logs"), e);
          }
          Thread.sleep(50);
        }
      }
    }

    @Override
    String kind() {
      return "nginx";
    }

    @Override
    URI url(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
