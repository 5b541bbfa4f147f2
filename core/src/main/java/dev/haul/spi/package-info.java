/**
 * The small SPI every other module plugs into: {@link dev.haul.spi.Transport}, {@link dev.haul.spi.Interceptor}, {@link dev.haul.spi.RetryPolicy}, {@link dev.haul.spi.EventListener} and {@link dev.haul.spi.Ticker}.
 */
package dev.haul.spi;
