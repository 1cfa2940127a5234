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
    private final Map<String, Boolean> requirements = new LinkedHashMap<>();
    private Ledger.Reconciliation accounting;
    private Ledger.AcrossRestart acrossRestart;
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

    /**
     * Across a restart (the storm mode): the closes and failed sends the restart causes are counted, not failures,
     * and a message never confirmed is not lost ({@link Ledger#reconcileAcrossRestart}).
     */
    Report accountingAcrossRestart(Ledger.AcrossRestart reconciliation, int closes, int sendFailures) {
        this.acrossRestart = reconciliation;
        return accounting(reconciliation.totals(), closes, sendFailures);
    }

    /** Something else the run must have achieved to be clean (the storm: every client back, every one caught up). */
    Report requirement(String name, boolean held) {
        requirements.put(name, held);
        return this;
    }

    /**
     * True when every message was confirmed and delivered exactly once, no connection failed and every
     * {@link #requirement} held. Across a restart: every confirmed message seen once, closes and failed sends allowed.
     */
    boolean clean() {
        return accounting != null && accounting.clean() && !requirements.containsValue(false)
                && (acrossRestart != null || (unexpectedCloses == 0 && sendFailures == 0));
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
        if (acrossRestart != null) {
            counts.put("seen_as_frame_and_in_catch_up", acrossRestart.overlap());
            counts.put("seen_in_catch_up_only", acrossRestart.caughtUpOnly());
            counts.put("unconfirmed_stored", acrossRestart.unconfirmedStored());
            counts.put("unconfirmed_not_seen", acrossRestart.unconfirmedUnseen());
        }
        counts.put(acrossRestart != null ? "closes" : "unexpected_closes", unexpectedCloses);
        counts.put("send_failures", sendFailures);
        map.put("accounting", counts);
        if (!requirements.isEmpty()) {
            map.put("requirements", requirements);
        }
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
        if (acrossRestart != null) {
            out.append(String.format("    across the restart: seen as frame and in catch-up %d, in catch-up only %d, "
                            + "unconfirmed but stored %d, unconfirmed and not seen %d (not lost)%n",
                    acrossRestart.overlap(), acrossRestart.caughtUpOnly(), acrossRestart.unconfirmedStored(),
                    acrossRestart.unconfirmedUnseen()));
            out.append(String.format("    closes %d, send failures %d (the restart's: not failures)%n", unexpectedCloses,
                    sendFailures));
        } else {
            out.append(String.format("    unexpected closes %d, send failures %d%n", unexpectedCloses, sendFailures));
        }
        requirements.forEach((name, held) -> out.append(String.format("    %-36s %s%n", name, held ? "yes" : "NO")));
        out.append(clean() ? acrossRestart != null
                ? "  OK: every confirmed message seen by its receiver exactly once, every client back and caught up\n"
                : "  OK: every message confirmed and delivered exactly once\n"
                : acrossRestart != null
                ? "  FAILED: confirmed messages were lost or duplicated, or clients did not come back and catch up\n"
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
