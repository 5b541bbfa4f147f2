package dev.haul;

/** The state of an origin's circuit breaker. */
public enum CircuitState {
  /** Calls flow; failures are counted. */
  CLOSED,
  /** Calls fail fast with {@link CircuitOpenException} until the open duration passes. */
  OPEN,
  /** One probe call is let through; its outcome closes or reopens the circuit. */
  HALF_OPEN
}
