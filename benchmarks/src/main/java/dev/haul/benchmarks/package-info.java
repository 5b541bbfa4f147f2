/**
 * The side-by-side comparison harness and JMH benchmarks. Never deployed.
 */
package dev.haul.benchmarks;
