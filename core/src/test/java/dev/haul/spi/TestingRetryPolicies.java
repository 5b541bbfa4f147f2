package dev.haul.spi;

/** Looks inside the default retry policy, whose implementation is package-private. */
public final class TestingRetryPolicies {

  private TestingRetryPolicies() {}

  /** How often the retry budget of {@code policy} (a default policy with a budget) refused a retry. */
  public static long budgetExhaustions(RetryPolicy policy) {
    return ((DefaultRetryPolicy) policy).budget().exhaustedCount();
  }
}
