package org.rnn4j.cli;

import org.rnn4j.cuda.CudaUnavailableException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rnn4j} command line: {@code train}, {@code sample}, {@code info}, {@code demo}. Errors the user
 * can fix print one line saying what to do (exit 1); bad options print one line and the usage hint (exit 2);
 * a stack trace only with {@code --verbose}.
 */
@Command(name = "rnn4j", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Recurrent networks on the JVM (CUDA or pure-Java CPU): train a character-level LSTM language model.",
        subcommands = {TrainCommand.class, SampleCommand.class, InfoCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Keeps the library logger quiet (the CLI prints the backend choice itself); held so it is not collected. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("org.rnn4j");

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        System.setProperty("java.awt.headless", "true");
        LIBRARY_LOG.setLevel(Level.WARNING);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = false;   // --verbose belongs to the subcommand's parse result, not the top level one
            for (CommandLine.ParseResult pr = parsed; pr != null; pr = pr.subcommand()) verbose |= pr.hasMatchedOption("--verbose");
            String what = "rnn4j " + cmd.getCommandName();
            if (verbose) ex.printStackTrace(err);
            String oom = OutOfMemory.message(ex, cmd.getCommandName());
            String msg = oom != null ? oom : ex instanceof UserError || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof org.rnn4j.cuda.CudaUnavailableException ? ex.getMessage() : ex.toString();
            err.println(what + ": error: " + oneLine(msg) + (verbose ? "" : " (--verbose shows details)"));
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()) + "; see '"
                    + c.getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {   // picocli passes Errors through; by now the command has released its memory
            String command = cl.getParseResult() != null && cl.getParseResult().subcommand() != null
                    ? cl.getParseResult().subcommand().commandSpec().name() : "";
            err.println("rnn4j " + command + ": error: " + oneLine(OutOfMemory.message(e, command)));
            return 1;
        }
    }

    static String oneLine(String s) {
        if (s == null) return "unknown error";
        return s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
