package org.parley.bootstrap;

import java.io.PrintStream;
import java.util.OptionalInt;

/**
 * What {@code java -jar parley.jar} does with its arguments: none starts the server (configured by the environment);
 * {@code --version} prints {@link BuildInfo#line()} and {@code --help} the {@link SettingsTable}, both exiting with 0
 * without starting anything (1 when standard output cannot take the text); anything else is one line on standard
 * error and exit code 2 (as a bad setting).
 */
final class CommandLine {

    static final int DONE = 0;
    static final int USAGE = 2;
    /** {@code --version} or {@code --help} could not write its answer. */
    static final int UNWRITTEN = 1;
    private static final String USAGE_LINE = "usage: java -jar parley.jar [--help | --version]; settings are "
            + "PARLEY_* environment variables (--help lists them)";

    private CommandLine() {
    }

    /** The exit code when {@code args} ask for something other than a start, after doing it; empty: start. */
    static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        if (args.length == 1 && args[0].equals("--version")) {
            out.println(BuildInfo.current().line());
            return written(out, err);
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(SettingsTable.packaged().help());
            return written(out, err);
        }
        String problem = args.length == 1 ? "unknown argument '" + shown(args[0]) + "'"
                : "one argument at most, got " + args.length;
        err.println("Parley: " + problem + "; " + USAGE_LINE);
        return OptionalInt.of(USAGE);
    }

    /**
     * {@link #DONE}, or {@link #UNWRITTEN} with one line on {@code err} when {@code out} could not take the text (a
     * full disk, a closed descriptor): a {@link PrintStream} keeps such failures to itself, and a script must not take
     * an empty answer for a version.
     */
    private static OptionalInt written(PrintStream out, PrintStream err) {
        out.flush();
        if (out.checkError()) {
            err.println("Parley: cannot write to standard output");
            return OptionalInt.of(UNWRITTEN);
        }
        return OptionalInt.of(DONE);
    }

    /** An argument as one line may show it: at most 40 characters, control characters as {@code ?}. */
    private static String shown(String argument) {
        String shortened = argument.length() > 40 ? argument.substring(0, 40) + "…" : argument;
        return shortened.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
