package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract for the disk store, and what only a disk store has: reopening, damage, stray files. */
class DiskCacheStoreTest extends AbstractCacheStoreContractTest {

  @TempDir
  Path root;

  private final AtomicInteger dirs = new AtomicInteger();

  @Override
  protected CacheStore newStore(long maxSize) {
    return CacheStores.onDisk(root.resolve("store" + dirs.incrementAndGet()), maxSize);
  }

  @Test
  void aReopenedStoreHasTheEntriesAndTheirSizes() throws Exception {
    Path dir = root.resolve("reopen");
    CacheStore first = CacheStores.onDisk(dir, 1 << 20);
    put(first, "http://h/a", head("http://h/a", "1"), bytes(10_000, 1));
    put(first, "http://h/b", head("http://h/b", "1"), bytes(20_000, 2));
    long size = first.size();
    first.close();
    CacheStore second = store(1 << 20);
    second.close();
    CacheStore again = CacheStores.onDisk(dir, 1 << 20);
    try {
      assertThat(again.size()).isEqualTo(size);
      assertThat(again.entryCount()).isEqualTo(2);
      assertThat(read(get(again, "http://h/b").orElseThrow().body())).isEqualTo(bytes(20_000, 2));
    } finally {
      again.close();
    }
  }

  @Test
  void everyKindOfDamageIsDiscardedAndReported() throws Exception {
    Path dir = root.resolve("damage");
    CacheStore s = CacheStores.onDisk(dir, 1 << 20);
    String[] keys = {"http://h/body", "http://h/head", "http://h/trailer", "http://h/short", "http://h/longer"};
    for (String k : keys) {
      put(s, k, head(k, "1"), bytes(5000, 1));
    }
    s.close();
    damage(dir, "http://h/body", 10);                    // a body byte
    damage(dir, "http://h/head", 5000 + 20);             // a head byte
    damage(dir, "http://h/trailer", -3);                 // the magic number
    truncate(dir, "http://h/short", 1);
    try (FileChannel ch = FileChannel.open(fileOf(dir, "http://h/longer"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), ch.size()); // bytes appended after the trailer
    }
    CacheStore reopened = store(1 << 20);
    reopened.close();
    CacheStore r = CacheStores.onDisk(dir, 1 << 20);
    List<String> causes = new CopyOnWriteArrayList<>();
    r.addEvictionListener((key, bytes, cause) -> causes.add(key + " " + cause));
    try {
      for (String k : keys) {
        assertThat(get(r, k)).as(k).isEmpty();
        assertThat(Files.exists(fileOf(dir, k))).as(k).isFalse();
      }
      assertThat(causes).hasSize(5).allMatch(c -> c.endsWith(" corrupted"));
      assertThat(r.size()).isZero();
    } finally {
      r.close();
    }
  }

  @Test
  void strayTemporaryFilesOfACrashAreNeverEntries() throws Exception {
    Path dir = root.resolve("crash");
    Files.createDirectories(dir);
    Files.write(dir.resolve("0123.entry.abc.tmp"), new byte[1000]);
    CacheStore s = CacheStores.onDisk(dir, 1 << 20);
    try {
      assertThat(s.entryCount()).isZero();
      assertThat(s.size()).isZero();
    } finally {
      s.close();
    }
  }

  static Path fileOf(Path dir, String key) throws Exception {
    byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return dir.resolve(java.util.HexFormat.of().formatHex(h) + ".entry");
  }

  static void damage(Path dir, String key, long offset) throws Exception {
    Path f = fileOf(dir, key);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = offset >= 0 ? offset : ch.size() + offset;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.flip();
      byte flipped = (byte) (b.get() ^ 0x5a);
      ch.write(ByteBuffer.wrap(new byte[] {flipped}), at);
    }
  }

  static void truncate(Path dir, String key, long by) throws Exception {
    try (FileChannel ch = FileChannel.open(fileOf(dir, key), StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - by);
    }
  }

  static long files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
