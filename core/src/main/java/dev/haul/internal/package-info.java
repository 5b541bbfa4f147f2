/**
 * Haul's core engine: the client, the interceptor chain and its built-in stages. Public only so other Haul modules can use it; nothing here carries a compatibility promise.
 */
package dev.haul.internal;
