package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.Request;
import dev.haul.spi.EventListener;
import dev.haul.spi.Ticker;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CallStateTest {

  private final CallState call = new CallState(new CallHandle(1, Request.get("http://h/"), 0),
      EventListener.NONE, Ticker.systemTicker(), null);

  @Test
  void aLateRegistrationOfAnOlderTimerNeverHidesTheRunningExchange() {
    // Issue 9 (found under load): the retry timer fired and started the next attempt, which
    // tracked its exchange, before the thread that scheduled the timer tracked the timer's
    // future. That stale registration replaced the exchange, so the deadline's cancel missed it
    // and the attempt hung on after the call had failed.
    long timerTicket = call.ticket();
    CompletableFuture<Void> timer = CompletableFuture.completedFuture(null); // already fired
    long exchangeTicket = call.ticket();
    CompletableFuture<Void> exchange = new CompletableFuture<>();
    call.track(exchangeTicket, exchange);
    call.track(timerTicket, timer); // the scheduling thread gets here last

    call.cancel();

    assertThat(exchange).isCancelled();
  }

  @Test
  void somethingTrackedAfterTheCancelIsCancelledAtOnce() {
    call.cancel();
    CompletableFuture<Void> late = new CompletableFuture<>();
    call.track(call.ticket(), late);
    assertThat(late).isCancelled();
  }
}
