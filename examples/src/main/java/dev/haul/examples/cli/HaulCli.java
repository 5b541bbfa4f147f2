package dev.haul.examples.cli;

import dev.haul.HaulException;
import dev.haul.IntegrityException;
import dev.haul.config.ConfigSource;
import dev.haul.download.DownloadFileException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code haul} command line tool. */
@Command(name = "haul", mixinStandardHelpOptions = true, version = "haul 0.1.0",
    description = "Fetch, serve and demonstrate HTTP through the Haul client.",
    subcommands = {GetCommand.class, ServeCommand.class, DemoCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:success",
        " 1:local file problem or unexpected error (an existing FILE, a symlink, a full disk, I/O, a bug)",
        " 2:usage error",
        " 3:the server answered an HTTP error status (400 or above; a 3xx that is not followed is not an error)",
        " 4:network or protocol failure (connect, timeout, reset, malformed response)",
        " 5:integrity mismatch (SHA-256 or size)"})
public final class HaulCli implements Runnable {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int HTTP_STATUS = 3;
  static final int NETWORK = 4;
  static final int INTEGRITY = 5;

  /** A usage error whose message this tool wrote itself and that is safe to print as it is. */
  static final class UsageException extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    UsageException(CommandLine cmd, String message) {
      super(cmd, message);
    }
  }

  @Override
  public void run() {
    throw new UsageException(new CommandLine(this), "a command is required: get, serve or demo");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the tool; returns its exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return execute(args, out, err, ConfigSource.system());
  }

  /** Runs the tool with {@code haul.*} settings from {@code config} instead of the system's. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, ConfigSource config) {
    CommandLine cli = new CommandLine(new HaulCli(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        return type == GetCommand.class ? type.cast(new GetCommand(config)) : CommandLine.defaultFactory().create(type);
      }
    });
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(HaulCli::exitCode);
    cli.setParameterExceptionHandler((e, arguments) -> usageError(e, arguments));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean forUser = e instanceof HaulException;
      err.println("haul: " + (forUser ? e.getMessage() : e.toString()));
      return exitCode(e);
    });
    return cli.execute(args);
  }

  /**
   * Reports a usage error without repeating any argument: an unquoted {@code -H Authorization:
   * Bearer KEY} splits the key into arguments of its own, which picocli would echo back.
   */
  private static int usageError(CommandLine.ParameterException e, String[] arguments) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message;
    if (e instanceof UsageException) {
      message = e.getMessage();
    } else if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      List<String> unmatched = u.getUnmatched();
      List<Integer> positions = new ArrayList<>();
      int from = 0;
      for (String arg : unmatched) {
        for (int i = from; i < arguments.length; i++) {
          if (arguments[i].equals(arg)) {
            positions.add(i + 1);
            from = i + 1;
            break;
          }
        }
      }
      int n = unmatched.size();
      String at = positions.stream().map(String::valueOf).collect(Collectors.joining(", "));
      message = n + (n == 1 ? " unexpected argument" : " unexpected arguments")
          + (positions.size() == n ? " at " + (n == 1 ? "position " : "positions ") + at : "")
          + " (not shown: " + (n == 1 ? "it" : "they") + " may be part of a key); a header value with spaces must be"
          + " quoted as one argument: -H 'Name: value with spaces'";
    } else {
      message = redact(e.getMessage(), arguments);
    }
    err.println("haul: " + message);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return USAGE;
  }

  /**
   * Replaces every command-line argument that is not an option or command name by its position,
   * and the value attached to an option ({@code --opt=value}, {@code -Hvalue}) likewise (values
   * under three characters are left: they cannot hold a key, and replacing them would garble the
   * message).
   */
  private static String redact(String message, String[] arguments) {
    String m = String.valueOf(message);
    Set<String> commands = Set.of("get", "serve", "demo", "help");
    for (int i = 0; i < arguments.length; i++) {
      String a = arguments[i];
      String value;
      if (!a.startsWith("-")) {
        value = commands.contains(a) ? null : a;
      } else if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        value = eq < 0 ? null : a.substring(eq + 1); // --opt=value
      } else {
        value = a.length() > 2 ? a.substring(2) : null; // -Hvalue (an attached short-option value)
      }
      if (value != null && value.length() >= 3 && m.contains(value)) {
        m = m.replace(value, "<" + (value.length() == a.length() ? "" : "value of ") + "argument " + (i + 1) + ">");
      }
    }
    return m;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    if (e instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (e instanceof DownloadFileException) {
      return FAILED; // a local file problem (unsafe target, full disk, I/O), not the network's
    }
    if (e instanceof HaulException) {
      return NETWORK;
    }
    return FAILED;
  }
}
