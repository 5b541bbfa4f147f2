/**
 * The small SPI every other module plugs into: {@link dev.haul.spi.Transport}, {@link dev.haul.spi.Interceptor}, {@link dev.haul.spi.RetryPolicy}, {@link dev.haul.spi.EventListener} and {@link dev.haul.spi.Ticker}; {@link dev.haul.spi.BlockingBodyHandler} for body handlers with blocking steps; and, for transports implementing {@link dev.haul.ResponseBody}, the Reactive Streams helpers {@link dev.haul.spi.Subscriptions} and the shared leak-check cleaner {@link dev.haul.spi.Cleaners}.
 */
package dev.haul.spi;
