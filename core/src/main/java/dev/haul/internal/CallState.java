package dev.haul.internal;

import dev.haul.Request;
import dev.haul.ResponseBody;
import dev.haul.SendState;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one call shares across its interceptors: the deadline, the listener, the attempt count
 * and whatever is in flight, so that a deadline or a cancel can stop it wherever it is.
 */
public final class CallState {

  private final long id;
  private final Request original;
  private volatile Call handle; // made when first asked for: most calls never are
  private final EventListener listener;
  private final Ticker ticker;
  private final long startNanos;
  private final long deadlineNanos; // Long.MAX_VALUE when the call has none
  private final Duration callTimeout;
  private final Progress progress = new Progress();
  private volatile Future<?> inFlight;
  private volatile ResponseBody body;
  private volatile boolean cancelled;
  private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** The state of the call {@code handle} names; its start is {@code handle.startNanos()}. */
  public CallState(Call handle, EventListener listener, Ticker ticker, Duration callTimeout) {
    this(handle.id(), handle.request(), handle.startNanos(), listener, ticker, callTimeout);
    this.handle = handle;
  }

  /** The state of call {@code id} of {@code original}, started at {@code startNanos}. */
  public CallState(long id, Request original, long startNanos, EventListener listener, Ticker ticker,
      Duration callTimeout) {
    this.id = id;
    this.original = original;
    this.listener = listener;
    this.ticker = ticker;
    this.startNanos = startNanos;
    this.callTimeout = callTimeout;
    this.deadlineNanos = callTimeout == null ? Long.MAX_VALUE : startNanos + callTimeout.toNanos();
  }

  public Request original() {
    return original;
  }

  /** The call's public identity (what listeners and interceptors see). */
  public Call handle() {
    Call h = handle;
    if (h == null) {
      h = new CallHandle(id, original, startNanos); // a race makes two equal handles: harmless
      handle = h;
    }
    return h;
  }

  public EventListener listener() {
    return listener;
  }

  /** The call deadline, if any. */
  public Optional<Duration> callTimeout() {
    return Optional.ofNullable(callTimeout);
  }

  /** Time left before the deadline (never negative), if the call has one. */
  public Optional<Duration> timeLeft() {
    if (deadlineNanos == Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(0, deadlineNanos - ticker.read())));
  }

  public Duration elapsed() {
    return Duration.ofNanos(ticker.read() - startNanos);
  }

  /** Counts an attempt handed to the transport; returns the total so far. */
  public int attemptStarted() {
    return progress.attemptStarted();
  }

  public int attempts() {
    return progress.attempts.get();
  }

  private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<CallState> ENTERED =
      java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(CallState.class, "entered");
  private volatile int entered; // through ENTERED: no counter object per call

  /** An attempt enters the per-attempt part of the chain (network interceptors); its number. */
  int enterAttempt() {
    return ENTERED.incrementAndGet(this);
  }

  /** How many attempts have entered the per-attempt part of the chain so far. */
  int enteredAttempts() {
    return entered;
  }

  /** The running attempt ended having reached {@code reached}. */
  public void attemptEnded(SendState reached) {
    progress.attemptEnded(reached);
  }

  public void responseStarted() {
    progress.attemptEnded(SendState.RESPONSE_STARTED);
  }

  /**
   * The furthest any attempt got: the running one as far as the transport has reported, finished
   * ones as their outcome showed. {@code NOT_SENT} only when no attempt can have written a byte.
   */
  public SendState furthest() {
    return progress.furthest();
  }

  /** The listener to hand to the transport for the current attempt: it also tracks the send state. */
  public EventListener attemptListener() {
    // It gets the progress only, not this call: the transport may keep the listener as long as
    // the connection, and it must not keep the call's response body reachable.
    AttemptListener l = new AttemptListener(listener, progress, progress.attempts.get());
    AttemptListeners tracked = attemptListeners;
    if (tracked != null) {
      tracked.add(l);
    }
    return l;
  }

  private volatile AttemptListeners attemptListeners; // only for a call with its own listeners

  /**
   * For a call whose listener is its own (made by factories): what must run once the call is
   * over, so the transport, which keeps a connection's last listener, then reports to
   * {@code shared} instead. It refers to nothing else of the call.
   */
  public Runnable detachOnCallOver(EventListener shared) {
    AttemptListeners l = new AttemptListeners();
    attemptListeners = l;
    return () -> l.detach(shared);
  }

  /** The listeners this call handed to the transport, detached from it once the call is over. */
  private static final class AttemptListeners {
    private final java.util.List<AttemptListener> list = new java.util.ArrayList<>(1);
    private boolean over;

    synchronized void add(AttemptListener l) {
      list.add(l);
    }

    void detach(EventListener shared) {
      java.util.List<AttemptListener> copy;
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        copy = java.util.List.copyOf(list);
        list.clear();
      }
      copy.forEach(l -> l.detach(shared));
    }
  }

  /**
   * How far the call's attempts got. An attempt is taken as possibly sent from the hand-off to the
   * transport, except while the transport reports it is still acquiring a connection: until then
   * nothing can have been written.
   */
  static final class Progress {
    final AtomicInteger attempts = new AtomicInteger();
    private volatile SendState settled = SendState.NOT_SENT; // furthest of finished attempts
    private volatile SendState current; // the running attempt; null between attempts
    // Issue 8 review 2: the running attempt, still without its connection, is connecting to the
    // origin (TCP connect or TLS handshake). Nothing is written, but a deadline cut here says the
    // origin did not accept in time, which counts against it in the circuit breaker.
    private volatile boolean contacting;

    int attemptStarted() {
      contacting = false;
      current = SendState.SENT_NO_RESPONSE; // unknown transports: assume the request may be out
      return attempts.incrementAndGet();
    }

    /**
     * Attempt {@code attempt} started to acquire a connection: nothing is written yet. Also when
     * it had a connection before: Issue 8 review 2, a transport acquires again within an attempt
     * only after nothing reached the server on the previous one (its own retry of a stale pooled
     * connection), and a deadline while the new connection opens must report NOT_SENT.
     */
    void acquiringConnection(int attempt) {
      if (attempt == attempts.get() && current != null) {
        contacting = false;
        current = SendState.NOT_SENT;
      }
    }

    /** Attempt {@code attempt} is opening a connection to the origin (its connect started). */
    void connecting(int attempt) {
      if (attempt == attempts.get() && current != null) {
        contacting = true;
      }
    }

    /** Whether the running attempt was opening a connection to the origin. */
    boolean contacting() {
      return current != null && contacting;
    }

    /** Attempt {@code attempt} has its connection: from now on the request may be on the wire. */
    void connectionAcquired(int attempt) {
      if (attempt == attempts.get() && current != null) {
        current = SendState.SENT_NO_RESPONSE;
      }
    }

    void attemptEnded(SendState reached) {
      if (reached.compareTo(settled) > 0) {
        settled = reached;
      }
      current = null;
    }

    /** How far the running attempt itself got; {@code NOT_SENT} between attempts. */
    SendState running() {
      SendState c = current;
      return c == null ? SendState.NOT_SENT : c;
    }

    SendState furthest() {
      SendState s = settled;
      SendState c = current;
      return c != null && c.compareTo(s) > 0 ? c : s;
    }
  }

  private long lastTicket; // guarded by this
  private long trackedTicket; // guarded by this

  /**
   * A ticket for the next thing to track, taken before it is started: a retry timer may fire and
   * start the next attempt before {@code schedule} has even returned its future.
   */
  public synchronized long ticket() {
    return ++lastTicket;
  }

  /**
   * Registers what is in flight now (a transport exchange or a retry timer), started after taking
   * {@code ticket}. Something registered late with an older ticket (a retry timer whose attempt
   * has already started and tracked its exchange) never replaces the newer one, which a cancel
   * must reach.
   */
  public void track(long ticket, Future<?> future) {
    synchronized (this) {
      if (ticket > trackedTicket) {
        trackedTicket = ticket;
        inFlight = future;
      }
    }
    if (cancelled) {
      future.cancel(false);
    }
  }

  /** Registers the final response body, closed if the call is cancelled while it streams. */
  public void trackBody(ResponseBody b) {
    body = b;
    if (cancelled) {
      b.close();
    }
  }

  private volatile boolean freshConnection;

  /** Asks the next attempt for a new connection (the last failed on a reused one the server had closed). */
  public void freshConnectionForNextAttempt() {
    freshConnection = true;
  }

  /** Withdraws the request for a new connection (the attempt it was for is over). */
  public void clearFreshConnection() {
    freshConnection = false;
  }

  /** Whether this attempt must use a new connection; asked once per attempt. */
  public boolean takeFreshConnection() {
    boolean f = freshConnection;
    freshConnection = false;
    return f;
  }

  private volatile Duration lastCap;

  /** Records that the current attempt's timeouts were capped at {@code cap} by the deadline. */
  public void cappedAt(Duration cap) {
    lastCap = cap;
  }

  /**
   * {@code error}, or a {@link dev.haul.DeadlineExceededException} when it is a timeout that fired
   * only because the call deadline had capped it.
   */
  public Throwable deadlineOr(Throwable error) {
    Duration cap = lastCap;
    Duration limit = null;
    if (error instanceof dev.haul.HaulTimeoutException t) {
      limit = t.timeout();
    } else if (error instanceof dev.haul.PoolAcquireTimeoutException p) {
      limit = p.timeout();
    }
    if (cap == null || limit == null || callTimeout == null || limit.compareTo(cap) < 0) {
      return error;
    }
    dev.haul.HaulException h = (dev.haul.HaulException) error;
    return new dev.haul.DeadlineExceededException(h.uri(), h.sendState(), callTimeout, attempts(), error);
  }

  /**
   * Ends the call with {@code reason}, whatever the cancelled parts report. The first reason wins
   * (a deadline and a client close racing); returns whether this one did.
   */
  public boolean failWith(Throwable reason) {
    // Read before the cancel that follows ends the attempt: whether the attempt cut short had
    // written its request (the circuit breaker counts an unanswered one against the origin).
    SendState running = progress.running();
    boolean contacting = progress.contacting();
    if (!failure.compareAndSet(null, reason)) {
      return false;
    }
    runningAtFailure = running;
    contactingAtFailure = contacting;
    return true;
  }

  private volatile boolean contactingAtFailure;

  /**
   * Whether the attempt running when the call was ended from outside was connecting to the origin
   * (its TCP connect or TLS handshake under way), though nothing of its request was written.
   */
  public boolean contactingAtFailure() {
    return contactingAtFailure;
  }

  private volatile SendState runningAtFailure = SendState.NOT_SENT;

  /**
   * How far the attempt running when the call was ended from outside had got by itself
   * ({@code NOT_SENT} when none was running, e.g. in a retry backoff).
   */
  public SendState runningAtFailure() {
    return runningAtFailure;
  }

  /** Why the call was ended from outside (the deadline, the client closing), or null. */
  public Throwable failure() {
    return failure.get();
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Stops whatever is in flight; no new attempt will start. */
  public void cancel() {
    cancelled = true;
    Future<?> f = inFlight;
    if (f != null) {
      f.cancel(false);
    }
    ResponseBody b = body;
    if (b != null) {
      b.close();
    }
  }
}
