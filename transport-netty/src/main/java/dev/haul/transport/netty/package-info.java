/**
 * The Netty 4.2 transport: {@link dev.haul.transport.netty.NettyTransport}, its configuration and its Guice module.
 */
package dev.haul.transport.netty;
