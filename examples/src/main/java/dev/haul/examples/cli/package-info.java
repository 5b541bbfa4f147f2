/**
 * The {@code haul} command line tool: get, serve and demo.
 */
package dev.haul.examples.cli;
