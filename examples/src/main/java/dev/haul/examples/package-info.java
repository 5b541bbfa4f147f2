/**
 * Runnable examples of the public API: quick start, Guice wiring, retry and redirect configuration.
 */
package dev.haul.examples;
