/**
 * The public API: requests, responses, headers, bodies, body handlers, the client and its builder, configuration and the typed failures. Start with {@link dev.haul.Haul#newBuilder()} or {@link dev.haul.CoreModule}.
 */
package dev.haul;
