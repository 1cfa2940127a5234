package org.parley.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Send→receive latencies in microseconds (HdrHistogram, 3 significant digits), recorded from any thread. */
final class Latencies {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);

    void record(long sendNanos, long receiveNanos) {
        long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(receiveNanos - sendNanos));
        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** p50, p90, p99, p99.9 and max in milliseconds (3 decimals), plus the count. */
    Map<String, Object> percentilesMillis() {
        Histogram copy = histogram.copy();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("latency_count", copy.getTotalCount());
        figures.put("latency_p50_ms", millis(copy.getValueAtPercentile(50)));
        figures.put("latency_p90_ms", millis(copy.getValueAtPercentile(90)));
        figures.put("latency_p99_ms", millis(copy.getValueAtPercentile(99)));
        figures.put("latency_p999_ms", millis(copy.getValueAtPercentile(99.9)));
        figures.put("latency_max_ms", millis(copy.getMaxValue()));
        return figures;
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }
}
