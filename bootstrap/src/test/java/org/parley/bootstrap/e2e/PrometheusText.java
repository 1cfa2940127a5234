package org.parley.bootstrap.e2e;

import java.util.HashMap;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition ({@code GET /metrics}), by series: {@code name} or
 * {@code name{label="value",…}} exactly as written, to its value. Comment lines ({@code # HELP}, {@code # TYPE}) are
 * skipped; a malformed sample line fails the test.
 */
record PrometheusText(Map<String, Double> samples) {

    static PrometheusText parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int split = line.lastIndexOf(' ');
            if (split <= 0) {
                throw new AssertionError("Not a Prometheus sample line: " + line);
            }
            String series = line.substring(0, split);
            String value = line.substring(split + 1);
            samples.put(series, switch (value) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        }
        return new PrometheusText(Map.copyOf(samples));
    }

    /** The value of {@code series}, 0 when it is not there (a counter not yet registered counts nothing). */
    double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** Every series (name and labels, as written) whose name starts with {@code prefix}. */
    java.util.Set<String> series(String prefix) {
        return samples.keySet().stream().filter(series -> series.startsWith(prefix))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Whether some series' name starts with {@code prefix}. */
    boolean has(String prefix) {
        return samples.keySet().stream().anyMatch(series -> series.startsWith(prefix));
    }
}
