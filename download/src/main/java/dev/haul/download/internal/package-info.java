/**
 * The download engine: no compatibility promise; use {@link dev.haul.download} instead.
 *
 * <p>{@link dev.haul.download.internal.SegmentPlan} is the shared, thread-safe work plan of one
 * download (claims, work stealing, end-game races, the written prefix);
 * {@link dev.haul.download.internal.Journal} persists its {@link dev.haul.download.internal.PlanState}
 * with the original URL and validators so a download resumes after the process dies.
 */
package dev.haul.download.internal;
