/**
 * The Netty transport's engine: connection pool, pipeline handlers and exchange state. Nothing
 * here carries a compatibility promise; use {@link dev.haul.transport.netty.NettyTransport}.
 */
package dev.haul.transport.netty.internal;
