package org.parley.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ChatMetrics;

/**
 * What each {@link ChatMetrics} call does to the Prometheus text a scraper reads: every meter there from the start
 * (at zero), each call moving its own series, the gauges read when scraped, JVM memory and GC shown.
 */
class MicrometerChatMetricsTest {

    private final MicrometerChatMetrics metrics = new MicrometerChatMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void everyMeterIsRegisteredUpFrontAtZero() {
        Map<String, Double> samples = scrape();

        for (ChatMetrics.FrameIn action : ChatMetrics.FrameIn.values()) {
            assertThat(samples).containsEntry("parley_frames_in_total{action=\"" + name(action) + "\"}", 0.0);
        }
        for (ChatMetrics.FrameOut action : ChatMetrics.FrameOut.values()) {
            assertThat(samples).containsEntry("parley_frames_out_total{action=\"" + name(action) + "\"}", 0.0);
        }
        for (ChatMetrics.Handshake outcome : ChatMetrics.Handshake.values()) {
            assertThat(samples).containsEntry("parley_handshakes_total{outcome=\"" + name(outcome) + "\"}", 0.0);
        }
        for (ChatMetrics.Limit limit : ChatMetrics.Limit.values()) {
            assertThat(samples).containsEntry("parley_limit_refusals_total{limit=\"" + name(limit) + "\"}", 0.0);
        }
        assertThat(samples).containsEntry("parley_messages_stored_total", 0.0)
                .containsEntry("parley_slow_consumer_closes_total", 0.0)
                .containsEntry("parley_store_batch_size_count", 0.0)
                .containsEntry("parley_store_commit_seconds_count", 0.0)
                .containsEntry("parley_delivery_latency_seconds_count", 0.0);
    }

    @Test
    void eachCallMovesItsOwnSeries() {
        metrics.frameIn(ChatMetrics.FrameIn.TEXT_MESSAGE);
        metrics.frameIn(ChatMetrics.FrameIn.TEXT_MESSAGE);
        metrics.frameIn(ChatMetrics.FrameIn.OTHER);
        metrics.framesOut(ChatMetrics.FrameOut.RE_MESSAGE, 3);
        metrics.framesOut(ChatMetrics.FrameOut.CONF_MESSAGE, 2);
        metrics.handshake(ChatMetrics.Handshake.ACCEPTED);
        metrics.handshake(ChatMetrics.Handshake.TOO_MANY_CONNECTIONS);
        metrics.refused(ChatMetrics.Limit.SEND_RATE);
        metrics.slowConsumerClosed();
        metrics.batchCommitted(9, 10, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.delivered(TimeUnit.MILLISECONDS.toNanos(4));
        metrics.delivered(TimeUnit.MILLISECONDS.toNanos(40));

        Map<String, Double> samples = scrape();

        assertThat(samples)
                .containsEntry("parley_frames_in_total{action=\"text_message\"}", 2.0)
                .containsEntry("parley_frames_in_total{action=\"other\"}", 1.0)
                .containsEntry("parley_frames_in_total{action=\"seen\"}", 0.0)
                .containsEntry("parley_frames_out_total{action=\"re_message\"}", 3.0)
                .containsEntry("parley_frames_out_total{action=\"conf_message\"}", 2.0)
                .containsEntry("parley_handshakes_total{outcome=\"accepted\"}", 1.0)
                .containsEntry("parley_handshakes_total{outcome=\"too_many_connections\"}", 1.0)
                .containsEntry("parley_limit_refusals_total{limit=\"connections\"}", 1.0)
                .containsEntry("parley_limit_refusals_total{limit=\"send_rate\"}", 1.0)
                .containsEntry("parley_slow_consumer_closes_total", 1.0)
                .containsEntry("parley_messages_stored_total", 9.0)
                .containsEntry("parley_store_batch_size_count", 1.0)
                .containsEntry("parley_store_batch_size_sum", 10.0)
                .containsEntry("parley_store_batch_size_bucket{le=\"10.0\"}", 1.0)
                .containsEntry("parley_store_batch_size_bucket{le=\"5.0\"}", 0.0)
                .containsEntry("parley_store_commit_seconds_count", 1.0)
                .containsEntry("parley_delivery_latency_seconds_count", 2.0)
                .containsEntry("parley_delivery_latency_seconds_bucket{le=\"0.005\"}", 1.0)
                .containsEntry("parley_delivery_latency_seconds_bucket{le=\"0.05\"}", 2.0);
        assertThat(samples.get("parley_delivery_latency_seconds_sum")).isCloseTo(0.044, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(samples.get("parley_store_commit_seconds_sum")).isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void gaugesAreReadWhenScrapedAndTheOutboxAtMostOnceASecond() {
        AtomicInteger open = new AtomicInteger(7);
        AtomicLong depth = new AtomicLong(12);
        AtomicInteger depthReads = new AtomicInteger();
        metrics.watchOpenConnections(open::get);
        metrics.watchWebhookOutbox(() -> {
            depthReads.incrementAndGet();
            return depth.get();
        });

        assertThat(scrape()).containsEntry("parley_connections_open", 7.0)
                .containsEntry("parley_webhook_outbox_depth", 12.0);
        open.set(3);
        depth.set(99);
        Map<String, Double> again = scrape();

        assertThat(again).containsEntry("parley_connections_open", 3.0)
                .containsEntry("parley_webhook_outbox_depth", 12.0);
        assertThat(depthReads.get()).isEqualTo(1);
    }

    @Test
    void anOutboxThatCannotBeReadShowsNaNAndTheScrapeGoesOn() {
        metrics.watchWebhookOutbox(() -> {
            throw new IllegalStateException("the database cannot be reached");
        });

        Map<String, Double> samples = scrape();

        assertThat(samples.get("parley_webhook_outbox_depth")).isNaN();
        assertThat(samples).containsKey("parley_messages_stored_total");
    }

    @Test
    void theJvmsMemoryAndGcAreShownInPrometheusTextFormat() {
        String text = metrics.scrape();

        assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text).contains("# TYPE parley_frames_in_total counter");
        assertThat(scrape().keySet()).anyMatch(series -> series.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(series -> series.startsWith("jvm_gc_"))
                .anyMatch(series -> series.startsWith("jvm_threads_live_threads"));
    }

    private Map<String, Double> scrape() {
        Map<String, Double> samples = new HashMap<>();
        for (String line : metrics.scrape().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int split = line.lastIndexOf(' ');
            String value = line.substring(split + 1);
            samples.put(line.substring(0, split), "NaN".equals(value) ? Double.NaN : Double.parseDouble(value));
        }
        return samples;
    }

    private static String name(Enum<?> kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
