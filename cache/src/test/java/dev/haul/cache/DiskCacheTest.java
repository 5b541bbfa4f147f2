package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.testkit.MockResponse;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: the disk store end to end: two clients on one directory, a restart, corrupted entries, a cut body. */
class DiskCacheTest extends CacheTestSupport {

  @TempDir
  Path dir;

  HttpCache diskCache() {
    return cache(cacheBuilder().config(CacheConfig.builder().dir(dir).maxSize(16L * 1024 * 1024).build()));
  }

  @Test
  void twoClientsShareOneDirectory() {
    routes.put("/models", r -> ok("[\"m1\",\"m2\"]", "Cache-Control", "max-age=300", "ETag", "\"list\""));
    HaulClient a = client(diskCache());
    HaulClient b = client(diskCache());
    assertThat(cacheStatus(get(a, "/models"))).endsWith("stored");
    Response<String> fromB = get(b, "/models");
    assertThat(fromB.body()).isEqualTo("[\"m1\",\"m2\"]");
    assertThat(cacheStatus(fromB)).isEqualTo("haul; hit; ttl=300");
    assertThat(requests("/models")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(301));
    routes.put("/models", r -> response(304, "", "Cache-Control", "max-age=300", "ETag", "\"list\""));
    assertThat(cacheStatus(get(b, "/models"))).startsWith("haul; fwd=stale; fwd-status=304");
    assertThat(cacheStatus(get(a, "/models"))).isEqualTo("haul; hit; ttl=300"); // b's refresh is a's too
  }

  @Test
  void entriesSurviveARestart() {
    routes.put("/v", r -> ok("versions", "Cache-Control", "max-age=300"));
    HttpCache first = diskCache();
    HaulClient client = client(first);
    get(client, "/v");
    client.close();
    first.close();
    HttpCache second = diskCache();
    assertThat(second.stats().entries()).isEqualTo(1);
    Response<String> r = get(client(second), "/v");
    assertThat(r.body()).isEqualTo("versions");
    assertThat(cacheStatus(r)).startsWith("haul; hit");
    assertThat(requests("/v")).isEqualTo(1);
  }

  @Test
  void aCorruptedOrCutEntryIsDiscardedNotServed() throws Exception {
    routes.put("/flip", r -> ok("original-body-bytes", "Cache-Control", "max-age=300"));
    routes.put("/cut", r -> ok("original-body-bytes", "Cache-Control", "max-age=300"));
    HttpCache first = diskCache();
    HaulClient client = client(first);
    get(client, "/flip");
    get(client, "/cut");
    first.close();
    List<Path> files = entryFiles();
    assertThat(files).hasSize(2);
    Path flip = fileOf("/flip");
    try (FileChannel ch = FileChannel.open(flip, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), 3); // one body byte
    }
    Path cut = fileOf("/cut");
    try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5);
    }
    HaulClient after = client(diskCache());
    Response<String> r = get(after, "/flip");
    assertThat(r.body()).isEqualTo("original-body-bytes");
    assertThat(cacheStatus(r)).startsWith("haul; fwd=uri-miss");
    assertThat(cacheStatus(get(after, "/cut"))).startsWith("haul; fwd=uri-miss");
    assertThat(events.events()).contains("cacheEvicted /flip corrupted");
    assertThat(cacheStatus(get(after, "/flip"))).startsWith("haul; hit"); // stored again, whole
  }

  @Test
  void aBodyCancelledHalfWayLeavesNoFileBehind() throws Exception {
    int size = 2 * 1024 * 1024;
    routes.put("/big", r -> MockResponse.builder().generatedBody(size).header("Cache-Control", "max-age=60")
        .header("Date", now()).throttle(64 * 1024, Duration.ofMillis(5)).build());
    HttpCache cache = diskCache();
    HaulClient client = client(cache);
    Response<InputStream> r = client.send(Request.get(server.url("/big").toString()), BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertThat(in.readNBytes(size / 2)).hasSize(size / 2);
    }
    HttpCacheValidationTest.await(() -> listing().isEmpty()); // the temporary file is deleted too
    assertThat(cacheStatus(get(client, "/big"))).startsWith("haul; fwd=uri-miss");
    assertThat(entryFiles()).hasSize(1);
  }

  @Test
  void theDiskStoreEvictsTheLeastRecentlyUsedBeyondItsBound() throws Exception {
    for (int i = 0; i < 6; i++) {
      routes.put("/f" + i, r -> MockResponse.builder().generatedBody(100_000).header("Cache-Control", "max-age=600")
          .header("Date", now()).build());
    }
    HttpCache cache = cache(cacheBuilder().config(CacheConfig.builder().dir(dir).maxSize(350_000).build()));
    HaulClient client = client(cache);
    for (int i = 0; i < 3; i++) {
      get(client, "/f" + i);
    }
    get(client, "/f0"); // used again: /f1 is now the least recently used
    for (int i = 3; i < 6; i++) {
      get(client, "/f" + i);
      assertThat(directorySize()).isLessThanOrEqualTo(350_000);
    }
    assertThat(cacheStatus(get(client, "/f5"))).startsWith("haul; hit");
    assertThat(events.events()).contains("cacheEvicted /f1 size");
    assertThat(cache.stats().evictions()).isEqualTo(3);
  }

  Path fileOf(String path) throws Exception {
    // The file of a key is named by its SHA-256: find it by the key written in it.
    for (Path f : entryFiles()) {
      byte[] b = Files.readAllBytes(f);
      if (new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains(server.url(path).toString())) {
        return f;
      }
    }
    throw new AssertionError("no entry file for " + path);
  }

  List<Path> entryFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".entry")).toList();
    }
  }

  List<Path> listing() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  long directorySize() throws Exception {
    long total = 0;
    for (Path f : entryFiles()) {
      total += Files.size(f);
    }
    return total;
  }
}
