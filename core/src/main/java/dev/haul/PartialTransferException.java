package dev.haul;

import java.net.URI;

/**
 * A transfer of a response body into a file channel ({@link BodyHandlers#ofFileChannel}) failed,
 * after {@link #bytesTransferred()} bytes of the body had been written at its start position.
 * Those bytes are really in the channel (each was counted once its write returned) and no byte
 * after them was, nor will be: by the time this is thrown the channel is no longer written to. A
 * caller can therefore resume at {@code position + bytesTransferred()}.
 *
 * <p>The cause is the failure itself (a {@link ConnectionClosedException}, a
 * {@link ReadIdleTimeoutException}, a {@link BodyTooLargeException} for a body longer than was
 * asked for, an {@link java.io.IOException} of the file); this exception takes its
 * {@link #sendState()} and {@link #isTransient()} from it.
 */
public class PartialTransferException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final long bytesTransferred;
  private final boolean transientCause;

  /**
   * @param uri the request URI, redacted in the message; may be null
   * @param bytesTransferred the bytes written before the failure, at least 0
   * @param cause the failure; not null
   */
  public PartialTransferException(URI uri, long bytesTransferred, Throwable cause) {
    super("the body transfer failed after " + bytesTransferred + " bytes: " + describe(cause), uri,
        cause instanceof HaulException h ? h.sendState() : SendState.RESPONSE_STARTED, cause);
    if (bytesTransferred < 0) {
      throw new IllegalArgumentException("bytesTransferred: " + bytesTransferred + " (expected: >= 0)");
    }
    this.bytesTransferred = bytesTransferred;
    this.transientCause = cause instanceof HaulException h && h.isTransient();
  }

  // A HaulException's message names its URI already (redacted); the URI is named once, here.
  private static String describe(Throwable cause) {
    if (cause == null) {
      throw new NullPointerException("cause is null");
    }
    return cause instanceof HaulException ? cause.getClass().getSimpleName() : cause.toString();
  }

  /** The bytes of the body written to the channel, from the start position on, before the failure. */
  public long bytesTransferred() {
    return bytesTransferred;
  }

  /** Whether the cause is transient: a later request for the rest may succeed. */
  @Override
  public boolean isTransient() {
    return transientCause;
  }
}
