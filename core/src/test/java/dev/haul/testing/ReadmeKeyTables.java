package dev.haul.testing;

import dev.haul.Redaction;
import dev.haul.config.ConfigKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a Markdown key table in a README against a module's {@link ConfigKey} descriptors, so the
 * documentation cannot drift from the code: every key present once and in order, nothing extra,
 * and for each the same default ({@link ConfigKey#defaultText()}), range ({@link
 * ConfigKey#range()}) and, when the table has a {@code meaning} column, documentation line ({@link
 * ConfigKey#doc()}). Backticks around a key or default are ignored. It also checks that exactly the
 * keys whose names look secret are marked secret. Each module's config test calls it once per table.
 */
public final class ReadmeKeyTables {

  private ReadmeKeyTables() {}

  /**
   * Fails with every difference (and the table as it should be) unless the first table under the
   * heading {@code heading} (any level, text matched exactly) in {@code readme} describes {@code keys}.
   */
  public static void assertMatches(Path readme, String heading, List<? extends ConfigKey<?>> keys) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, String>> rows = table(lines(readme), heading);
    List<String> names = new ArrayList<>();
    for (ConfigKey<?> k : keys) {
      names.add(k.name());
      if (k.isSecret() != Redaction.isSecretKey(k.name())) {
        problems.add(k.name() + ": secret flag " + k.isSecret() + " but the name says " + !k.isSecret());
      }
      Map<String, String> row = rows.get(k.name());
      if (row == null) {
        problems.add(k.name() + ": missing from the table");
        continue;
      }
      compare(problems, k.name(), "default", row.get("default"), k.defaultText());
      compare(problems, k.name(), "range", row.get("range"), k.range());
      if (row.containsKey("meaning")) {
        compare(problems, k.name(), "meaning", row.get("meaning"), k.doc());
      }
    }
    for (String name : rows.keySet()) {
      if (!names.contains(name)) {
        problems.add(name + ": in the table but not a key");
      }
    }
    if (problems.isEmpty() && !new ArrayList<>(rows.keySet()).equals(names)) {
      problems.add("the rows are not in key order: " + names);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(readme + ", table under '" + heading + "':\n  " + String.join("\n  ", problems)
          + "\nexpected table:\n" + markdown(keys));
    }
  }

  /** The table for {@code keys}, with the columns key, default, range and meaning. */
  public static String markdown(List<? extends ConfigKey<?>> keys) {
    StringBuilder sb = new StringBuilder("| key | default | range | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> k : keys) {
      sb.append("| `").append(k.name()).append("` | ").append(k.defaultText()).append(" | ").append(k.range())
          .append(" | ").append(k.doc()).append(" |\n");
    }
    return sb.toString();
  }

  private static void compare(List<String> problems, String key, String column, String actual, String expected) {
    if (!expected.equals(actual)) {
      problems.add(key + ": " + column + " is '" + actual + "', the key says '" + expected + "'");
    }
  }

  private static List<String> lines(Path readme) {
    try {
      return Files.readAllLines(readme, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Key to (column to cell) for the first table after the heading, in row order. */
  private static Map<String, Map<String, String>> table(List<String> lines, String heading) {
    int i = 0;
    while (i < lines.size() && !lines.get(i).matches("#+\\s+\\Q" + heading + "\\E\\s*")) {
      i++;
    }
    if (i == lines.size()) {
      throw new AssertionError("no heading '" + heading + "'");
    }
    do {
      i++;
    } while (i < lines.size() && !lines.get(i).startsWith("|") && !lines.get(i).startsWith("#"));
    if (i == lines.size() || lines.get(i).startsWith("#")) {
      throw new AssertionError("no table under '" + heading + "'");
    }
    List<String> columns = new ArrayList<>();
    for (String c : cells(lines.get(i))) {
      columns.add(c.toLowerCase(Locale.ROOT));
    }
    if (!columns.containsAll(List.of("key", "default", "range"))) {
      throw new AssertionError("the table under '" + heading + "' needs columns key, default and range: " + columns);
    }
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      List<String> cells = cells(lines.get(i));
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < columns.size() && c < cells.size(); c++) {
        row.put(columns.get(c), cells.get(c));
      }
      row.computeIfPresent("default", (k, v) -> unquote(v));
      if (rows.put(unquote(row.getOrDefault("key", "")), row) != null) {
        throw new AssertionError("key listed twice under '" + heading + "': " + row.get("key"));
      }
    }
    return rows;
  }

  private static List<String> cells(String line) {
    String inner = line.trim();
    inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
    List<String> out = new ArrayList<>();
    for (String c : inner.split("\\|", -1)) {
      out.add(c.trim());
    }
    return out;
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
  }
}
