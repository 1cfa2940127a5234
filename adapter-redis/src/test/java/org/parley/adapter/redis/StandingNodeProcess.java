package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StandingNode} in a process of its own: every line it writes (its log, and its {@code NODE …} lines) is kept,
 * with when it came ({@link System#nanoTime()}). Closing it ends its standard input (the node closes its bus and ends),
 * and kills it if it has not ended 10 s later.
 */
final class StandingNodeProcess implements AutoCloseable {

    /** A line the node wrote, and when it was read. */
    record Line(String text, long readNanos) {
    }

    private final Process process;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private StandingNodeProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "standing-node-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node on {@code redisUrl}, channel {@code parley}, {@code busy} or not, with {@code jvmArguments}
     * (system properties), and waits until it joined the bus.
     */
    static StandingNodeProcess start(String redisUrl, boolean busy, String... jvmArguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArguments));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StandingNode.class.getName(), redisUrl,
                "parley", busy ? "busy" : "idle"));
        StandingNodeProcess node;
        try {
            node = new StandingNodeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Buses.await("the node joined the bus", () -> node.said().contains("joined"));
        return node;
    }

    /** What it said on its {@code NODE …} lines, oldest first, without {@code NODE }. */
    List<String> said() {
        return lines.stream().map(Line::text).filter(text -> text.startsWith("NODE "))
                .map(text -> text.substring("NODE ".length())).toList();
    }

    /** Every line it wrote so far, oldest first. */
    List<Line> lines() {
        return List.copyOf(lines);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -<name>} of the process. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", name).isTrue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT"); // a stopped node could not end
        }
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(new Line(line, System.nanoTime()));
            }
        } catch (IOException ended) {
            // the node ended
        }
    }
}
