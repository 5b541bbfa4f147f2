package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.spi.RawResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BodyHandlers#ofFileChannel} over bodies that use {@link ResponseBody#transferTo}'s default
 * (subscriber) path; the transport's own path is tested end to end in transport-netty.
 */
class FileChannelBodyHandlerTest {

  @TempDir
  Path dir;

  private static RawResponse info() {
    return RawResponse.builder().request(Request.get("http://h/x")).status(200).build();
  }

  private Path filled(int size, byte b) throws Exception {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, b);
    Path p = dir.resolve("f.bin");
    Files.write(p, bytes);
    return p;
  }

  private static byte[] seq(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251 + 1);
    }
    return b;
  }

  @Test
  void writesAtThePositionAndCountsEveryByte() throws Exception {
    Path p = filled(100, (byte) 0);
    List<Long> progress = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      long n = BodyHandlers.ofFileChannel(ch, 10, 50, progress::add)
          .handle(info(), ResponseBody.ofBytes(seq(30), 7)).get();
      assertThat(n).isEqualTo(30);
      assertThat(ch.position()).isZero();
    }
    byte[] file = Files.readAllBytes(p);
    assertThat(Arrays.copyOfRange(file, 10, 40)).isEqualTo(seq(30));
    assertThat(Arrays.copyOfRange(file, 0, 10)).containsOnly(0);
    assertThat(Arrays.copyOfRange(file, 40, 100)).containsOnly(0);
    assertThat(progress).containsExactly(7L, 14L, 21L, 28L, 30L);
  }

  @Test
  void aBodyPastMaxBytesStopsAtTheEnd() throws Exception {
    Path p = filled(100, (byte) 0);
    ResponseBody unknownLength = new UnknownLength(ResponseBody.ofBytes(seq(30), 10));
    PartialTransferException e;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      e = failure(BodyHandlers.ofFileChannel(ch, 5, 25), unknownLength);
    }
    // The third 10-byte piece crosses position + 25: its first 5 bytes are still in the range and
    // written (Issue 9 review: refusing the whole piece left the range short), nothing after.
    assertThat(e.bytesTransferred()).isEqualTo(25);
    assertThat(e.getCause()).isInstanceOf(BodyTooLargeException.class);
    byte[] file = Files.readAllBytes(p);
    assertThat(Arrays.copyOfRange(file, 5, 30)).isEqualTo(Arrays.copyOf(seq(30), 25));
    assertThat(Arrays.copyOfRange(file, 30, 100)).containsOnly(0);
  }

  @Test
  void aBodyOfExactlyMaxBytesFitsAndEmptyBodiesWriteNothing() throws Exception {
    Path p = filled(10, (byte) 0);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      assertThat(BodyHandlers.ofFileChannel(ch, 0, 10).handle(info(), ResponseBody.ofBytes(seq(10))).get())
          .isEqualTo(10);
      assertThat(BodyHandlers.ofFileChannel(ch, 10, 0).handle(info(), ResponseBody.empty()).get()).isZero();
    }
    assertThat(Files.readAllBytes(p)).isEqualTo(seq(10));
  }

  @Test
  void aDeclaredLengthPastMaxBytesIsRefusedAndTheBodyClosed() throws Exception {
    Path p = filled(10, (byte) 0);
    ResponseBody body = ResponseBody.ofBytes(seq(11));
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      PartialTransferException e = failure(BodyHandlers.ofFileChannel(ch, 0, 10), body);
      assertThat(e.bytesTransferred()).isZero();
      assertThat(e.getCause()).isInstanceOf(BodyTooLargeException.class);
    }
    assertThat(Files.readAllBytes(p)).containsOnly(0);
    assertThat(((ByteArrayResponseBody) body).isClosed()).isTrue();
  }

  @Test
  void aFailedBodyReportsWhatWasWrittenWithItsCause() throws Exception {
    Path p = filled(10, (byte) 0);
    HaulException cut = new ConnectionClosedException("cut", null, SendState.RESPONSE_STARTED, null);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      PartialTransferException e = failure(BodyHandlers.ofFileChannel(ch, 2, 8), new FailsAfter(3, cut));
      assertThat(e.bytesTransferred()).isEqualTo(3);
      assertThat(e.getCause()).isSameAs(cut);
      assertThat(e.isTransient()).isEqualTo(cut.isTransient());
      assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED);
    }
    assertThat(Files.readAllBytes(p)).containsExactly(0, 0, 1, 2, 3, 0, 0, 0, 0, 0);
  }

  @Test
  void argumentsAreChecked() throws Exception {
    try (FileChannel ch = FileChannel.open(filled(1, (byte) 0), StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> BodyHandlers.ofFileChannel(ch, -1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> BodyHandlers.ofFileChannel(ch, 0, -1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> BodyHandlers.ofFileChannel(null, 0)).isInstanceOf(NullPointerException.class);
      assertThat(BodyHandlers.ofFileChannel(ch, Long.MAX_VALUE - 1, Long.MAX_VALUE)).isNotNull();
    }
  }

  private static PartialTransferException failure(BodyHandler<Long> h, ResponseBody body) throws Exception {
    try {
      h.handle(info(), body).get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(PartialTransferException.class);
      return (PartialTransferException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** A body that hides its length, as a chunked one does. */
  private record UnknownLength(ResponseBody delegate) implements ResponseBody {
    @Override
    public OptionalLong contentLength() {
      return OptionalLong.empty();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
      delegate.subscribe(subscriber);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Delivers bytes 1..n one at a time, then fails with {@code error}. */
  private record FailsAfter(int n, Throwable error) implements ResponseBody {
    @Override
    public OptionalLong contentLength() {
      return OptionalLong.empty();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
      s.onSubscribe(new Flow.Subscription() {
        int sent;

        @Override
        public void request(long k) {
          if (sent < n) {
            sent++;
            s.onNext(List.of(ByteBuffer.wrap(new byte[] {(byte) sent})));
          } else if (sent++ == n) {
            s.onError(error);
          }
        }

        @Override
        public void cancel() {}
      });
    }

    @Override
    public void close() {}
  }
}
