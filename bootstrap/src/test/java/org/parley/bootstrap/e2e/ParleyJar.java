package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code parley.jar} running as a process of its own ({@code java -jar}, as an operator starts it), on
 * 127.0.0.1 and a free port, with the given data directory and settings; its output is collected line by line.
 */
final class ParleyJar implements AutoCloseable {

    /** What the JDK reports as the exit value of a process ended by SIGKILL (signal 9): 128 + 9. */
    static final int KILLED_BY_SIGKILL = 137;

    private static final Pattern LISTENING = Pattern.compile("Parley is listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final Thread outputReader;
    private final int port;

    private ParleyJar(Process process) throws InterruptedException {
        this.process = process;
        this.outputReader = new Thread(this::readOutput, "parley-jar-output-" + process.pid());
        outputReader.setDaemon(true);
        outputReader.start();
        this.port = awaitPort();
    }

    /**
     * Starts the jar and returns once it listens; fails when it does not within a minute (with its output). Every
     * {@code PARLEY_*} variable of this JVM's environment is left out; {@code environment} adds to the defaults.
     */
    static ParleyJar start(Path dataDir, Map<String, String> environment) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("parley.jar", "target/parley.jar"));
        assertThat(jar).exists();
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
        builder.environment().put("PARLEY_HOST", "127.0.0.1");
        builder.environment().put("PARLEY_PORT", "0");
        builder.environment().put("PARLEY_DATA_DIR", dataDir.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            return new ParleyJar(process);
        } catch (AssertionError | RuntimeException | InterruptedException failure) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            throw failure;
        }
    }

    int port() {
        return port;
    }

    String httpBase() {
        return "http://127.0.0.1:" + port;
    }

    String wsBase() {
        return "ws://127.0.0.1:" + port;
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

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : output()) {
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start:\n" + String.join("\n", output()));
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(output::add);
        } catch (IOException | UncheckedIOException ended) {
            // the process ended
        }
    }
}
