/**
 * A scriptable origin server with fault injection for tests (yours and ours), a JUnit 5 extension, the transport contract suite and Netty leak checks.
 */
package dev.haul.testkit;
