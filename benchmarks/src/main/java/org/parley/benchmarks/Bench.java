package org.parley.benchmarks;

import java.util.Arrays;
import java.util.Map;

/** The command line entry point: {@code java -jar parley-bench.jar <mode> [options]} (see {@code --help}). */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs a benchmark and returns the exit status: 0 clean, 1 failed to run, 2 messages lost or duplicated
     * (abuse: the bystander's; storm: also a client not back or not caught up in time). The relay mode serves until
     * the process is killed (1 if it cannot listen). */
    static int run(String[] args, Map<String, String> environment) {
        return run(args, environment, null);
    }

    /**
     * As {@link #run(String[], Map)}; a storm run restarts the server with {@code restartHook} (a test's in-process
     * restart) instead of {@code --restart-command} when it is not null.
     */
    static int run(String[] args, Map<String, String> environment, Runnable restartHook) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(Options.HELP);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args, environment);
        } catch (Options.UsageException e) {
            System.err.println("parley-bench: " + e.getMessage());
            System.err.println("usage: java -jar parley-bench.jar <throughput|rate|idle|abuse|storm|relay> [options]  "
                    + "(--help for more)");
            return 1;
        }
        if ("storm".equals(options.mode()) && restartHook == null && options.restartCommand().isEmpty()) {
            System.err.println("parley-bench: the storm mode needs --restart-command (see --help)");
            return 1;
        }
        try {
            if ("relay".equals(options.mode())) {
                ReferenceRelay.serve(options);
                return 0;
            }
            Report report = switch (options.mode()) {
                case "throughput" -> PairedRuns.throughput(options);
                case "rate" -> PairedRuns.rate(options);
                case "abuse" -> AbuseRun.run(options);
                case "storm" -> StormRun.run(options, restartHook);
                default -> IdleRun.run(options);
            };
            System.out.print(report.summary());
            if (options.json().isPresent()) {
                report.writeJson(options.json().get());
                System.out.println("  JSON written to " + options.json().get());
            }
            return report.clean() ? 0 : 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("parley-bench: interrupted");
            return 1;
        } catch (Exception e) {
            System.err.println("parley-bench: the run failed: " + describe(e));
            return 1;
        }
    }

    /**
     * One line for a failed run: the exception as it is, with a hint when a websocket handshake was refused
     * {@code 401} (the tokens the tool mints do not match the server's secret).
     */
    static String describe(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException handshake
                    && handshake.response() != null && handshake.response().status().code() == 401) {
                return failure + " (the websocket handshake was refused 401: wrong --jwt-secret, or "
                        + "PARLEY_JWT_SECRET differs from the server's)";
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return failure.toString();
    }
}
