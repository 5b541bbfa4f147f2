/**
 * The monitoring engine: per-origin metric holders, the per-call listener, the download and cache
 * trackers, the dashboard's HTTP server and its snapshot. No compatibility promise: use
 * {@code dev.haul.monitoring}.
 *
 * <p>The dashboard server is the JDK's {@code com.sun.net.httpserver} (module {@code jdk.httpserver},
 * in every JDK 17): it serves a handful of small read-only resources to one or two browsers and a
 * Prometheus scraper, which needs no Netty dependency and keeps this module off the transport
 * (the project's rule: download, cache and monitoring depend on core only).
 */
package dev.haul.monitoring.internal;
