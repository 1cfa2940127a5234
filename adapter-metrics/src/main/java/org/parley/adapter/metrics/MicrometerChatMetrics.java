package org.parley.adapter.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.MetricsExposition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChatMetrics} as Micrometer meters in a Prometheus registry, shown in Prometheus's text format
 * ({@link MetricsExposition}), with the JVM's memory, GC, threads, class loading, CPU and uptime.
 *
 * <p><b>Cost.</b> Every meter is registered once, here, and kept in an array indexed by its kind's ordinal: a call
 * reads an array element and increments a counter (a {@code DoubleAdder}) or records into a timer (adders, a
 * time-window maximum and a fixed bucket array): no meter is looked up by name or tag, and nothing is allocated.
 * Gauges ({@link #watchOpenConnections}, {@link #watchWebhookOutbox}) are read only when scraped.
 *
 * <p>The meters (Prometheus names): {@code parley_connections_open}, {@code parley_handshakes_total{outcome}},
 * {@code parley_frames_in_total{action}}, {@code parley_frames_out_total{action}}, {@code parley_messages_stored_total},
 * {@code parley_store_batch_size} (a summary with buckets), {@code parley_store_commit_seconds} and
 * {@code parley_delivery_latency_seconds} (histograms), {@code parley_webhook_outbox_depth},
 * {@code parley_limit_refusals_total{limit}}, {@code parley_slow_consumer_closes_total}; and {@code jvm_*},
 * {@code process_*}, {@code system_*}.
 */
public final class MicrometerChatMetrics implements ChatMetrics, MetricsExposition, AutoCloseable {

    /** Prometheus's text exposition format, version 0.0.4 (what {@link PrometheusMeterRegistry#scrape()} writes). */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(MicrometerChatMetrics.class);
    /** Buckets of the commit and delivery histograms (milliseconds): enough to see a p99 move, few series. */
    private static final long[] LATENCY_BUCKETS_MILLIS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000};
    private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000};
    /** How long a gauge that asks the database (the webhook outbox) keeps its last value. */
    private static final long GAUGE_CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final Counter[] handshakes;
    private final Counter[] framesIn;
    private final Counter[] framesOut;
    private final Counter[] refusals;
    private final Counter messagesStored;
    private final Counter slowConsumers;
    private final DistributionSummary batchSize;
    private final Timer commitTime;
    private final Timer deliveryLatency;

    public MicrometerChatMetrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.handshakes = counters("parley.handshakes", "Websocket handshakes, by how they ended", "outcome",
                Handshake.values());
        this.framesIn = counters("parley.frames.in", "Websocket frames received, by action", "action",
                FrameIn.values());
        this.framesOut = counters("parley.frames.out",
                "Websocket frames handed to connections, by action (one per connection written to)", "action",
                FrameOut.values());
        this.refusals = counters("parley.limit.refusals", "Requests refused by a limit of contract §16", "limit",
                Limit.values());
        this.messagesStored = Counter.builder("parley.messages.stored")
                .description("Messages stored by group commit (repeated sends excluded)").register(registry);
        this.slowConsumers = Counter.builder("parley.slow.consumer.closes")
                .description("Connections closed with 4008 because they did not read their frames").register(registry);
        this.batchSize = DistributionSummary.builder("parley.store.batch.size")
                .description("Drafts per group-commit transaction").serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        this.commitTime = latency("parley.store.commit", "Time to store one group-commit batch, begin to commit");
        this.deliveryLatency = latency("parley.delivery.latency",
                "Time from a message's commit until its event was handed to this node's connections");
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** {@code parley_connections_open}: read from {@code open} when scraped. */
    public void watchOpenConnections(IntSupplier open) {
        Objects.requireNonNull(open, "open");
        Gauge.builder("parley.connections.open", open, supplier -> supplier.getAsInt())
                .description("Websocket connections open on this node").strongReference(true).register(registry);
    }

    /**
     * {@code parley_webhook_outbox_depth}: read from {@code depth} (a database query) when scraped, at most once a
     * second; while it cannot be read (the database is away) the gauge shows NaN.
     */
    public void watchWebhookOutbox(LongSupplier depth) {
        Objects.requireNonNull(depth, "depth");
        Gauge.builder("parley.webhook.outbox.depth", new CachedReading(depth), CachedReading::read)
                .description("Webhook events waiting to be acknowledged by the app's backend (every node's)")
                .strongReference(true).register(registry);
    }

    @Override
    public void handshake(Handshake outcome) {
        handshakes[outcome.ordinal()].increment();
        if (outcome == Handshake.TOO_MANY_CONNECTIONS) {
            refusals[Limit.CONNECTIONS.ordinal()].increment();
        }
    }

    @Override
    public void frameIn(FrameIn action) {
        framesIn[action.ordinal()].increment();
    }

    @Override
    public void framesOut(FrameOut action, int count) {
        framesOut[action.ordinal()].increment(count);
    }

    @Override
    public void batchCommitted(int stored, int drafts, long commitNanos) {
        messagesStored.increment(stored);
        batchSize.record(drafts);
        commitTime.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void delivered(long nanosSinceCommit) {
        deliveryLatency.record(nanosSinceCommit, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refused(Limit limit) {
        refusals[limit.ordinal()].increment();
    }

    @Override
    public void slowConsumerClosed() {
        slowConsumers.increment();
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public String scrape() {
        try {
            return registry.scrape();
        } catch (RuntimeException failure) {
            LOG.warn("The metrics could not be written: {}", failure.toString());
            return "";
        }
    }

    /** Stops listening to GC notifications. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Counter[] counters(String name, String description, String tag, Enum<?>[] kinds) {
        return Arrays.stream(kinds)
                .map(kind -> Counter.builder(name).description(description)
                        .tag(tag, kind.name().toLowerCase(Locale.ROOT)).register(registry))
                .toArray(Counter[]::new);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description)
                .serviceLevelObjectives(Arrays.stream(LATENCY_BUCKETS_MILLIS).mapToObj(Duration::ofMillis)
                        .toArray(Duration[]::new))
                .register(registry);
    }

    /** A reading that may be slow or fail, taken at most once per {@link #GAUGE_CACHE_NANOS}. */
    private static final class CachedReading {
        private final LongSupplier source;
        private long readAtNanos;
        private double value = Double.NaN;
        private boolean read;

        CachedReading(LongSupplier source) {
            this.source = source;
        }

        synchronized double read() {
            long now = System.nanoTime();
            if (!read || now - readAtNanos >= GAUGE_CACHE_NANOS) {
                read = true;
                readAtNanos = now;
                try {
                    value = source.getAsLong();
                } catch (RuntimeException unreadable) {
                    value = Double.NaN;
                }
            }
            return value;
        }
    }
}
