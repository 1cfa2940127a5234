package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code parley.jar} started as users start it ({@code java -jar}), as a process of its own on 127.0.0.1
 * and a free port, with the given data directory and settings; everything it prints (standard output and error) is
 * kept line by line: what its log shows.
 */
final class ParleyJar implements AutoCloseable {

    /** What the JDK reports as the exit value of a process ended by SIGKILL (signal 9): 128 + 9. */
    static final int KILLED_BY_SIGKILL = 137;

    private static final Pattern LISTENING = Pattern.compile("Parley is listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Void> outputRead;
    private volatile int port = -1;

    private ParleyJar(Process process) {
        this.process = process;
        this.outputRead = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(line -> {
                    synchronized (output) {
                        output.add(line);
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // the process ended
            }
        });
    }

    /**
     * Starts the jar with this data directory and these settings (on top of host, port 0 and fast hashing) and returns
     * at once; every {@code PARLEY_*} variable of this JVM's environment is left out.
     */
    static ParleyJar launch(Path dataDir, Map<String, String> environment) throws IOException {
        return launch(dataDir, environment, List.of());
    }

    /** {@link #launch(Path, Map)} with these command-line arguments after {@code -jar parley.jar}. */
    static ParleyJar launch(Path dataDir, Map<String, String> environment, List<String> arguments) throws IOException {
        Path jar = Path.of(System.getProperty("parley.jar", "target/parley.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
        builder.environment().put("PARLEY_HOST", "127.0.0.1");
        builder.environment().put("PARLEY_PORT", "0");
        builder.environment().put("PARLEY_DATA_DIR", dataDir.toString());
        builder.environment().put("PARLEY_PASSWORD_ITERATIONS", "1000");
        // Crash tests send as fast as they can (contract §16: 0 turns the send rate off).
        builder.environment().put("PARLEY_SEND_RATE_PER_SECOND", "0");
        builder.environment().putAll(environment);
        return new ParleyJar(builder.start());
    }

    /** {@link #launch}, then waits until it listens; fails (and kills it) when it does not within a minute. */
    static ParleyJar start(Path dataDir, Map<String, String> environment) throws IOException, InterruptedException {
        ParleyJar parley = launch(dataDir, environment);
        try {
            parley.awaitPort();
            return parley;
        } catch (AssertionError | RuntimeException | InterruptedException failure) {
            parley.close();
            throw failure;
        }
    }

    /** The port it listens on, once it says so (within a minute). */
    int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : output()) {
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                    return port;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start:\n" + String.join("\n", output()));
    }

    /** The port it listens on; only after {@link #start} or {@link #awaitPort}. */
    int port() {
        assertThat(port).as("the server's port is known (started)").isPositive();
        return port;
    }

    String httpBase() {
        return "http://127.0.0.1:" + port();
    }

    String wsBase() {
        return "ws://127.0.0.1:" + port();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Kills the process at once, as {@code kill -9} does ({@link Process#destroyForcibly()}, SIGKILL on Linux: no
     * shutdown hook, no database close), waits for it to end and returns its exit value.
     */
    int killHard() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the process ended within 20 s of SIGKILL").isTrue();
        return process.exitValue();
    }

    /** Stops it with SIGTERM, as a service manager does, and waits until it has exited and its output is read. */
    void stop() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        awaitOutput();
    }

    /** Waits until it has exited by itself (a start-up failure) and returns its exit code. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
        awaitOutput();
        return process.exitValue();
    }

    private void awaitOutput() {
        try {
            outputRead.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("its output was not read to the end", e);
        }
    }

    /** Every line it printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
