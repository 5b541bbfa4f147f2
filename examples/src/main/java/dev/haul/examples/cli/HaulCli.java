package dev.haul.examples.cli;

import dev.haul.ConfigSource;
import dev.haul.HaulException;
import dev.haul.IntegrityException;
import java.io.PrintWriter;
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
        " 1:unexpected error (I/O on the local machine, a bug)",
        " 2:usage error",
        " 3:the server answered an HTTP error status",
        " 4:network or protocol failure (connect, timeout, reset, malformed response)",
        " 5:integrity mismatch (SHA-256 or size)"})
public final class HaulCli implements Runnable {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int HTTP_STATUS = 3;
  static final int NETWORK = 4;
  static final int INTEGRITY = 5;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required: get, serve or demo");
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
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean forUser = e instanceof HaulException || e instanceof FileDownload.UnsafePathException;
      err.println("haul: " + (forUser ? e.getMessage() : e.toString()));
      return exitCode(e);
    });
    return cli.execute(args);
  }

  static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    if (e instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (e instanceof HaulException) {
      return NETWORK;
    }
    return FAILED;
  }
}
