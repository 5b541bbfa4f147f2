/**
 * The configuration toolkit every module's {@code XxxConfig} is built on. A {@link
 * dev.haul.config.ConfigKey} describes one key once: its name, its {@link
 * dev.haul.config.ConfigType type} (how text becomes a value and back), its default, its {@link
 * dev.haul.config.Validator range}, its documentation line and whether it is a secret. A {@link
 * dev.haul.config.ConfigValues} holds one value per key of a module: it reads them from a {@link
 * dev.haul.config.ConfigSource} (a map, system properties, the environment), validates every value
 * with a message that names the key and the expected range ({@code "haul.timeout.connect: -1s
 * (expected: > 0)"}), and dumps them with secrets redacted. Secret values are never echoed in
 * messages. {@link dev.haul.config.Durations} and {@link dev.haul.config.DataSizes} parse and print
 * {@code 500ms} and {@code 64KiB}.
 */
package dev.haul.config;
