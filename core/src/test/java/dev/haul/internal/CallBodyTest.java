package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.ResponseBody;
import dev.haul.testing.StallingBody;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** Issue 8 defects 5 and 7: a body ended from outside tells its consumer why, exactly once. */
class CallBodyTest {

  private static final URI URI_ = URI.create("http://h/");

  /** Records signals in order. */
  private static class Recorder implements Flow.Subscriber<List<ByteBuffer>> {
    final List<String> signals = Collections.synchronizedList(new ArrayList<>());
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      signals.add("subscribe");
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      signals.add("next");
    }

    @Override
    public void onError(Throwable t) {
      signals.add("error " + t.getMessage());
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }
  }

  @Test
  void failMidBodySignalsTheReasonOnceAndReleasesTheBody() {
    StallingBody stalling = new StallingBody("a");
    CallBody body = new CallBody(stalling, URI_);
    Recorder r = new Recorder();
    body.subscribe(r);
    r.subscription.request(5);
    body.fail(new IllegalStateException("deadline"));
    body.fail(new IllegalStateException("closed")); // a second reason is ignored
    assertThat(r.signals).containsExactly("subscribe", "next", "error deadline");
    assertThat(stalling.isClosed()).isTrue();
    assertThat(body.finished()).isDone();
  }

  @Test
  void failBeforeSubscribeReachesALaterSubscriber() {
    StallingBody stalling = new StallingBody("a");
    CallBody body = new CallBody(stalling, URI_);
    body.fail(new IllegalStateException("closed"));
    Recorder r = new Recorder();
    body.subscribe(r);
    assertThat(r.signals).containsExactly("subscribe", "error closed");
  }

  @Test
  void aCompletedBodyIsNotFailedAfterwards() {
    CallBody body = new CallBody(ResponseBody.ofBytes(new byte[3], 8), URI_);
    Recorder r = new Recorder();
    body.subscribe(r);
    r.subscription.request(Long.MAX_VALUE);
    body.fail(new IllegalStateException("late"));
    assertThat(r.signals).containsExactly("subscribe", "next", "complete");
  }

  @Test
  void cancellingFinishesTheBody() {
    StallingBody stalling = new StallingBody("a", "b");
    CallBody body = new CallBody(stalling, URI_);
    Recorder r = new Recorder();
    body.subscribe(r);
    r.subscription.cancel();
    assertThat(body.finished()).isDone();
    assertThat(stalling.isClosed()).isTrue();
  }

  @Test
  void theConnectionIsReleasedBeforeTheConsumerLearnsWhy() {
    // CloseAndDeadlineTest#deadlineCoversAResponseBodyConsumedLater saw the failure and then, now
    // and then under load, a body not yet closed: the body was closed after the consumer was told.
    StallingBody stalling = new StallingBody("a");
    CallBody body = new CallBody(stalling, URI_);
    List<Boolean> closedWhenTold = new ArrayList<>();
    body.subscribe(new Recorder() {
      @Override
      public void onError(Throwable t) {
        closedWhenTold.add(stalling.isClosed());
      }
    });
    body.fail(new IllegalStateException("deadline"));
    assertThat(closedWhenTold).containsExactly(true);
  }

  @Test
  void aFailureTheClosingCausesIsReportedAsTheReason() {
    // A body that, unlike a transport, signals onError when closed: the consumer still gets the
    // reason the call was ended for, not the closing's own error.
    Recorder r = new Recorder();
    CallBody body = new CallBody(new ResponseBody() {
      private Flow.Subscriber<? super List<ByteBuffer>> subscriber;

      @Override
      public java.util.OptionalLong contentLength() {
        return java.util.OptionalLong.empty();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
        subscriber = s;
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
      }

      @Override
      public void close() {
        subscriber.onError(new IllegalStateException("closed by the caller"));
      }
    }, URI_);
    body.subscribe(r);
    body.fail(new IllegalStateException("deadline"));
    assertThat(r.signals).containsExactly("subscribe", "error deadline");
  }
}
