package dev.haul.benchmarks;

import java.util.Locale;

/**
 * How the load is offered to a client in the request scenarios. Peers are compared only within
 * one model: a blocking caller per request and requests kept in flight through an asynchronous
 * API cost a client differently, so a row is never compared with a row of the other model.
 */
public enum LoadModel {
  /** N caller threads, each blocked in a synchronous call ({@code send}, {@code execute}, {@code get()}). */
  BLOCKING,
  /** N requests kept in flight through an asynchronous API: each completion starts the next request. */
  INFLIGHT;

  /** The option's spelling: {@code blocking}, {@code inflight}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The model named {@code id}, or a failure listing the names. */
  public static LoadModel of(String id) {
    for (LoadModel m : values()) {
      if (m.id().equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException("load: " + id + " (expected: blocking, inflight or both)");
  }
}
