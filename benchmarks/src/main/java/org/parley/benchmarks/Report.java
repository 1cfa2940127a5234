package org.parley.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** A run's results: its parameters, its figures and its accounting, as a one-screen summary and as JSON. */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String mode;
    private final Instant startedAt;
    private final String loadAtStart = loadAverage();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private Ledger.Reconciliation accounting;
    private int unexpectedCloses;
    private int sendFailures;

    Report(String mode, Instant startedAt) {
        this.mode = mode;
        this.startedAt = startedAt;
    }

    Report parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    Report figure(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    Report accounting(Ledger.Reconciliation reconciliation, int unexpectedCloses, int sendFailures) {
        this.accounting = reconciliation;
        this.unexpectedCloses = unexpectedCloses;
        this.sendFailures = sendFailures;
        return this;
    }

    /** True when every message was confirmed and delivered exactly once and no connection failed. */
    boolean clean() {
        return accounting != null && accounting.clean() && unexpectedCloses == 0 && sendFailures == 0;
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mode", mode);
        map.put("started_at", startedAt.toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("load_average_at_start", loadAtStart);
        machine.put("load_average_at_end", loadAverage());
        map.put("machine", machine);
        map.put("parameters", parameters);
        map.put("figures", figures);
        Map<String, Object> counts = new LinkedHashMap<>();
        if (accounting != null) {
            counts.put("sent", accounting.sent());
            counts.put("confirmed", accounting.confirmed());
            counts.put("received", accounting.received());
            counts.put("lost", accounting.lost());
            counts.put("duplicated", accounting.duplicated());
            counts.put("mismatched_ids", accounting.mismatched());
            counts.put("unknown_frames", accounting.unknown());
        }
        counts.put("unexpected_closes", unexpectedCloses);
        counts.put("send_failures", sendFailures);
        map.put("accounting", counts);
        map.put("clean", clean());
        return map;
    }

    String summary() {
        StringBuilder out = new StringBuilder();
        out.append("Parley benchmark: ").append(mode).append("  (").append(startedAt).append(")\n");
        out.append("  machine: ").append(Runtime.getRuntime().availableProcessors()).append(" processors, load average ")
                .append(loadAtStart).append(" at start, ").append(loadAverage()).append(" now\n");
        out.append("  parameters:").append('\n');
        parameters.forEach((name, value) -> out.append(String.format("    %-36s %s%n", name, value)));
        out.append("  results:").append('\n');
        figures.forEach((name, value) -> out.append(String.format("    %-36s %s%n", name, format(value))));
        out.append("  accounting:").append('\n');
        if (accounting != null) {
            out.append(String.format("    sent %d, confirmed %d, received %d%n",
                    accounting.sent(), accounting.confirmed(), accounting.received()));
            out.append(String.format("    LOST %d, DUPLICATED %d, mismatched ids %d, unknown frames %d%n",
                    accounting.lost(), accounting.duplicated(), accounting.mismatched(), accounting.unknown()));
        }
        out.append(String.format("    unexpected closes %d, send failures %d%n", unexpectedCloses, sendFailures));
        out.append(clean() ? "  OK: every message confirmed and delivered exactly once\n"
                : "  FAILED: messages were lost or duplicated, or connections failed\n");
        return out.toString();
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), asMap());
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg ("unknown" elsewhere): other load skews figures. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return Math.abs(d) < 100 ? String.format("%.3f", d) : String.format("%,.1f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", value);
        }
        return String.valueOf(value);
    }
}
