package dev.haul.cache.internal;

import dev.haul.ResponseBody;
import dev.haul.cache.CacheStore;
import dev.haul.cache.StoredResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk store. Each entry is one file, {@code <sha-256 of the key>.entry}:
 * {@code body | key | head | trailer}, the trailer holding the three lengths, a CRC32C of key and
 * head, a CRC32C of the body and a magic number. A file is written under a temporary name, forced
 * and renamed over the old one atomically, so readers see the old entry or the new one. A file
 * whose lengths, magic or checksums do not hold is deleted and read as absent (the body checksum
 * is checked the first time this store reads a file, and again whenever the file changed).
 *
 * <p>The directory is the index: opening the store scans it (sizes, modification times as the
 * last use), and a lookup reads the file named by the key, so stores of several clients on one
 * directory see each other's entries. Eviction, when the bytes exceed the bound, rescans the
 * directory and deletes the least recently used files (by this store's uses, else their times).
 * File work runs on two daemon threads of the store, never on the caller's.
 */
public final class DiskCacheStore implements CacheStore {

  private static final Logger LOG = LoggerFactory.getLogger(DiskCacheStore.class);
  private static final long MAGIC = 0x4841554c43414348L; // "HAULCACH"
  static final int TRAILER = 8 + 4 + 4 + 4 + 4 + 8;
  private static final String SUFFIX = ".entry";
  private static final String TEMP = ".tmp";
  private static final long STALE_TEMP_MILLIS = TimeUnit.HOURS.toMillis(1);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Path dir;
  private final long maxSize;
  private final ExecutorService executor;
  private final Map<String, FileInfo> index = new ConcurrentHashMap<>();
  private final List<EvictionListener> listeners = new CopyOnWriteArrayList<>();
  private long total; // guarded by this

  private DiskCacheStore(Path dir, long maxSize) {
    this.dir = dir;
    this.maxSize = maxSize;
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "haul-cache-disk-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
  }

  /** Opens (creating it if needed) the store in {@code dir}. */
  public static DiskCacheStore open(Path dir, long maxSize) {
    DiskCacheStore s = new DiskCacheStore(dir, maxSize);
    try {
      Files.createDirectories(dir);
      s.rescan(true);
    } catch (IOException e) {
      s.executor.shutdown();
      throw new UncheckedIOException("cache directory " + dir + " cannot be opened: " + e.getMessage(), e);
    }
    s.evictIfNeeded();
    return s;
  }

  /** The file of {@code key}. */
  Path file(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h) + SUFFIX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public CompletableFuture<Optional<Entry>> get(String key) {
    return CompletableFuture.supplyAsync(() -> read(key), executor);
  }

  private Optional<Entry> read(String key) {
    Path path = file(key);
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      forget(path.getFileName().toString());
      return Optional.empty();
    } catch (IOException e) {
      LOG.debug("cache entry {} cannot be opened", path, e);
      return Optional.empty();
    }
    boolean handedOver = false;
    try {
      Parsed p = parse(ch, path);
      if (p == null) {
        discard(path, key, "corrupted");
        return Optional.empty();
      }
      if (!p.key.equals(key)) {
        return Optional.empty(); // another key with the same hash: absent
      }
      touch(path, p.fileSize);
      FileBody body = new FileBody(ch, p.bodyLength, executor);
      handedOver = true;
      StoredResponse response = p.response;
      long bodySize = p.bodyLength;
      return Optional.of(new Entry() {
        @Override
        public StoredResponse response() {
          return response;
        }

        @Override
        public long bodySize() {
          return bodySize;
        }

        @Override
        public ResponseBody body() {
          return body;
        }
      });
    } catch (IOException e) {
      LOG.debug("cache entry {} cannot be read", path, e);
      return Optional.empty();
    } finally {
      if (!handedOver) {
        closeQuietly(ch);
      }
    }
  }

  /** What a valid entry file holds; null when it is not one. */
  private Parsed parse(FileChannel ch, Path path) throws IOException {
    long size = ch.size();
    if (size < TRAILER) {
      return null;
    }
    ByteBuffer t = ByteBuffer.allocate(TRAILER);
    readFully(ch, t, size - TRAILER);
    t.flip();
    long bodyLength = t.getLong();
    int keyLength = t.getInt();
    int headLength = t.getInt();
    int headCrc = t.getInt();
    int bodyCrc = t.getInt();
    long magic = t.getLong();
    if (magic != MAGIC || bodyLength < 0 || keyLength < 0 || headLength < 0 || keyLength > EntryCodec.MAX_HEAD
        || headLength > EntryCodec.MAX_HEAD || bodyLength + keyLength + headLength + TRAILER != size) {
      return null;
    }
    ByteBuffer kh = ByteBuffer.allocate(keyLength + headLength);
    readFully(ch, kh, bodyLength);
    CRC32C crc = new CRC32C();
    crc.update(kh.array(), 0, kh.capacity());
    if ((int) crc.getValue() != headCrc) {
      return null;
    }
    String key = new String(kh.array(), 0, keyLength, StandardCharsets.UTF_8);
    StoredResponse response;
    try {
      response = EntryCodec.decode(java.util.Arrays.copyOfRange(kh.array(), keyLength, kh.capacity()));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    long mtime = Files.getLastModifiedTime(path).toMillis();
    FileInfo info = index.get(path.getFileName().toString());
    if (info == null || !info.verified || info.size != size || info.mtime != mtime) {
      if (bodyCrc(ch, bodyLength) != bodyCrc) {
        return null;
      }
      FileInfo verified = new FileInfo(size, mtime, System.currentTimeMillis());
      verified.verified = true;
      account(path.getFileName().toString(), verified);
    }
    return new Parsed(key, response, bodyLength, size);
  }

  private static int bodyCrc(FileChannel ch, long length) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
    long pos = 0;
    while (pos < length) {
      b.clear().limit((int) Math.min(b.capacity(), length - pos));
      int r = ch.read(b, pos);
      if (r < 0) {
        throw new IOException("entry ended early");
      }
      b.flip();
      crc.update(b);
      pos += r;
    }
    return (int) crc.getValue();
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        throw new IOException("entry ended early");
      }
    }
  }

  @Override
  public Editor edit(String key, StoredResponse response) {
    return new DiskEditor(key, response);
  }

  @Override
  public CompletableFuture<Boolean> update(String key, StoredResponse response) {
    return CompletableFuture.supplyAsync(() -> {
      Path path = file(key);
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        Parsed p = parse(ch, path);
        if (p == null || !p.key.equals(key)) {
          return false;
        }
        Path temp = tempFile(path);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          long copied = 0;
          while (copied < p.bodyLength) {
            long n = ch.transferTo(copied, p.bodyLength - copied, out);
            if (n <= 0) {
              throw new IOException("entry ended early");
            }
            copied += n;
          }
          writeTail(out, key, response, p.bodyLength, bodyCrc(ch, p.bodyLength));
          out.force(true);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(temp);
          throw e;
        }
        install(temp, path);
        return true;
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        LOG.debug("cache entry {} cannot be updated", path, e);
        return false;
      }
    }, executor);
  }

  @Override
  public CompletableFuture<Long> remove(String key) {
    return CompletableFuture.supplyAsync(() -> {
      Path path = file(key);
      try {
        long size = Files.size(path);
        boolean deleted = Files.deleteIfExists(path);
        forget(path.getFileName().toString());
        return deleted ? size : -1L;
      } catch (NoSuchFileException e) {
        forget(path.getFileName().toString());
        return -1L;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, executor);
  }

  @Override
  public synchronized long size() {
    return total;
  }

  @Override
  public long maxSize() {
    return maxSize;
  }

  @Override
  public long entryCount() {
    return index.size();
  }

  @Override
  public void addEvictionListener(EvictionListener listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    executor.shutdown();
  }

  // ---- files and the index

  private Path tempFile(Path target) {
    return dir.resolve(target.getFileName() + "." + UUID.randomUUID() + TEMP);
  }

  private static void writeTail(FileChannel out, String key, StoredResponse response, long bodyLength, int bodyCrc)
      throws IOException {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] head = EntryCodec.encode(response);
    CRC32C crc = new CRC32C();
    crc.update(k);
    crc.update(head);
    ByteBuffer tail = ByteBuffer.allocate(k.length + head.length + TRAILER);
    tail.put(k).put(head);
    tail.putLong(bodyLength).putInt(k.length).putInt(head.length).putInt((int) crc.getValue()).putInt(bodyCrc)
        .putLong(MAGIC);
    tail.flip();
    long pos = out.size();
    while (tail.hasRemaining()) {
      pos += out.write(tail, pos);
    }
  }

  /** Renames {@code temp} over {@code target} and counts it in the index. */
  private void install(Path temp, Path target) throws IOException {
    long size = Files.size(temp);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    long mtime = Files.getLastModifiedTime(target).toMillis();
    FileInfo info = new FileInfo(size, mtime, System.currentTimeMillis());
    info.verified = true; // written by this store, checksums computed as it was written
    account(target.getFileName().toString(), info);
  }

  /**
   * Counts a file in the index and evicts within the same lock, so {@link #size()} never shows the
   * store above its bound; listeners hear of the evictions after the lock is released.
   */
  private void account(String name, FileInfo info) {
    List<String[]> evicted;
    synchronized (this) {
      FileInfo old = index.put(name, info);
      total += info.size - (old == null ? 0 : old.size);
      evicted = evictLocked();
    }
    notifyEvicted(evicted);
  }

  private synchronized void touch(Path path, long size) {
    FileInfo info = index.get(path.getFileName().toString());
    if (info != null) {
      info.lastUse = System.currentTimeMillis();
    }
  }

  private synchronized void forget(String name) {
    FileInfo old = index.remove(name);
    if (old != null) {
      total -= old.size;
    }
  }

  private void discard(Path path, String key, String cause) {
    long size = 0;
    try {
      size = Files.size(path);
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.debug("cache entry {} cannot be deleted", path, e);
    }
    forget(path.getFileName().toString());
    LOG.debug("cache entry {} discarded: {}", path.getFileName(), cause);
    long bytes = size;
    listeners.forEach(l -> l.evicted(key, bytes, cause));
  }

  /** Reads the directory into the index; with {@code cleanTemps}, deletes temporary files of old crashed writes. */
  private synchronized void rescan(boolean cleanTemps) throws IOException {
    long now = System.currentTimeMillis();
    Map<String, FileInfo> seen = new java.util.HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          if (name.endsWith(TEMP)) {
            if (cleanTemps && now - Files.getLastModifiedTime(f).toMillis() > STALE_TEMP_MILLIS) {
              Files.deleteIfExists(f);
            }
          } else if (name.endsWith(SUFFIX)) {
            long size = Files.size(f);
            long mtime = Files.getLastModifiedTime(f).toMillis();
            FileInfo known = index.get(name);
            if (known != null && known.size == size && known.mtime == mtime) {
              seen.put(name, known);
            } else {
              seen.put(name, new FileInfo(size, mtime, mtime));
            }
          }
        } catch (NoSuchFileException e) {
          // deleted meanwhile (another client evicted it)
        }
      }
    }
    index.clear();
    index.putAll(seen);
    total = seen.values().stream().mapToLong(i -> i.size).sum();
  }

  private void evictIfNeeded() {
    List<String[]> evicted;
    synchronized (this) {
      evicted = evictLocked();
    }
    notifyEvicted(evicted);
  }

  private void notifyEvicted(List<String[]> evicted) {
    for (String[] e : evicted) {
      listeners.forEach(l -> l.evicted(e[0], Long.parseLong(e[1]), "size"));
    }
  }

  /** Deletes the least recently used files until the bytes are within the bound; call holding the lock. */
  private List<String[]> evictLocked() {
    List<String[]> evicted = new ArrayList<>();
    if (total <= maxSize) {
      return evicted;
    }
    try {
      rescan(false); // other clients may have added or removed files
    } catch (IOException e) {
      LOG.debug("cache directory {} cannot be read", dir, e);
    }
    List<Map.Entry<String, FileInfo>> byUse = new ArrayList<>(index.entrySet());
    byUse.sort(Comparator.comparingLong(e -> e.getValue().lastUse));
    for (Map.Entry<String, FileInfo> e : byUse) {
      if (total <= maxSize) {
        break;
      }
      Path f = dir.resolve(e.getKey());
      String key = keyOf(f);
      try {
        Files.deleteIfExists(f);
      } catch (IOException ex) {
        LOG.debug("cache entry {} cannot be deleted", f, ex);
        continue;
      }
      index.remove(e.getKey());
      total -= e.getValue().size;
      evicted.add(new String[] {key, Long.toString(e.getValue().size)});
    }
    return evicted;
  }

  /** The key written in an entry file, or its file name when it cannot be read. */
  private static String keyOf(Path f) {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer t = ByteBuffer.allocate(TRAILER);
      readFully(ch, t, size - TRAILER);
      t.flip();
      long bodyLength = t.getLong();
      int keyLength = t.getInt();
      if (keyLength < 0 || keyLength > EntryCodec.MAX_HEAD || bodyLength < 0 || bodyLength + keyLength > size) {
        return f.getFileName().toString();
      }
      ByteBuffer k = ByteBuffer.allocate(keyLength);
      readFully(ch, k, bodyLength);
      return new String(k.array(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return f.getFileName().toString();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // only read
    }
  }

  private record Parsed(String key, StoredResponse response, long bodyLength, long fileSize) {}

  private static final class FileInfo {
    final long size;
    final long mtime;
    volatile long lastUse;
    volatile boolean verified;

    FileInfo(long size, long mtime, long lastUse) {
      this.size = size;
      this.mtime = mtime;
      this.lastUse = lastUse;
    }
  }

  /** Writes one entry to a temporary file on the store's threads, in order. */
  private final class DiskEditor implements Editor {
    private final String key;
    private final StoredResponse response;
    private final Path target;
    private final Path temp;
    private final CRC32C crc = new CRC32C();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private FileChannel out; // touched only by tasks of the chain
    private long written;
    private volatile boolean aborted;
    private boolean finished; // guarded by this

    DiskEditor(String key, StoredResponse response) {
      this.key = key;
      this.response = response;
      this.target = file(key);
      this.temp = tempFile(target);
    }

    @Override
    public synchronized CompletableFuture<Void> write(ByteBuffer data) {
      if (finished) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = tail.thenRunAsync(() -> {
        if (aborted) {
          return;
        }
        try {
          if (out == null) {
            out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          }
          crc.update(data.duplicate());
          while (data.hasRemaining()) {
            written += out.write(data, written);
          }
          if (written > maxSize) {
            abort();
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, executor);
      tail = f.exceptionally(e -> {
        aborted = true;
        return null;
      });
      return f;
    }

    @Override
    public synchronized CompletableFuture<Boolean> commit() {
      if (finished) {
        return CompletableFuture.completedFuture(false);
      }
      finished = true;
      return tail.thenApplyAsync(v -> {
        if (aborted) {
          cleanUp();
          return false;
        }
        try {
          if (out == null) {
            out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          }
          writeTail(out, key, response, written, (int) crc.getValue());
          if (out.size() > maxSize) {
            cleanUp();
            return false;
          }
          out.force(true);
          out.close();
          install(temp, target);
          return true;
        } catch (IOException | RuntimeException e) {
          LOG.debug("cache entry {} cannot be written", target, e);
          cleanUp();
          return false;
        }
      }, executor);
    }

    @Override
    public void abort() {
      aborted = true;
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
        tail.thenRunAsync(this::cleanUp, executor);
      }
    }

    private void cleanUp() {
      try {
        if (out != null) {
          out.close();
        }
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.debug("temporary cache file {} cannot be deleted", temp, e);
      }
    }
  }
}
