package org.parley.application.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.parley.application.port.in.CheckReadiness;
import org.parley.application.port.out.ReadinessProbe;

/**
 * {@link CheckReadiness} over the parts' {@link ReadinessProbe}s, so that probing costs the parts next to nothing,
 * whoever asks and however often:
 * <ul>
 *   <li><b>one probe at a time per part</b>, on a thread of its own: a part that hangs (a database that stopped
 *       answering) holds that one thread until its own time-out ({@code PARLEY_DB_TIMEOUT_SECONDS}, Redis's command
 *       time-out), and later checks wait for that same probe instead of starting more;</li>
 *   <li><b>an answer within {@code timeout}</b>: a part that has not answered by then is {@link State#TIMEOUT};</li>
 *   <li><b>one answer per {@code cacheFor}</b> (about a second): checks within it share the answer of the first, so
 *       anonymous callers cannot make the node query its database more than once per interval.</li>
 * </ul>
 * Close it to stop its threads (they are daemons either way).
 */
public final class CheckReadinessService implements CheckReadiness, AutoCloseable {

    private final List<Part> parts;
    private final long timeoutNanos;
    private final long cacheNanos;
    private final LongSupplier nanoClock;
    private final ExecutorService probing;
    /** The last check made: its answer is shared until {@link #cacheNanos} after it started. */
    private Attempt last;

    /**
     * @param probes   the parts, in the order the answer shows them
     * @param timeout  how long a check waits for the parts' answers
     * @param cacheFor how long an answer is shared by later checks
     */
    public CheckReadinessService(List<ReadinessProbe> probes, Duration timeout, Duration cacheFor) {
        this(probes, timeout, cacheFor, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds (tests move it) */
    CheckReadinessService(List<ReadinessProbe> probes, Duration timeout, Duration cacheFor, LongSupplier nanoClock) {
        Objects.requireNonNull(probes, "probes");
        if (timeout.isNegative() || timeout.isZero() || cacheFor.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and cacheFor not negative");
        }
        this.probing = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "parley-readiness-probe");
            thread.setDaemon(true);
            return thread;
        });
        this.parts = probes.stream().map(probe -> new Part(Objects.requireNonNull(probe, "probe"), probing)).toList();
        this.timeoutNanos = timeout.toNanos();
        this.cacheNanos = cacheFor.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public Readiness check() {
        Attempt attempt;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (last == null || now - last.startedNanos >= cacheNanos) {
                last = new Attempt(now, parts.stream().map(Part::probe).toList());
            }
            attempt = last;
        }
        return attempt.answer();
    }

    @Override
    public void close() {
        probing.shutdownNow();
    }

    /** One part, probed at most once at a time. */
    private static final class Part {
        private final ReadinessProbe probe;
        private final ExecutorService probing;
        private CompletableFuture<Void> inFlight;

        Part(ReadinessProbe probe, ExecutorService probing) {
            this.probe = probe;
            this.probing = probing;
        }

        /** The probe running now, or a new one. */
        synchronized CompletableFuture<Void> probe() {
            if (inFlight == null || inFlight.isDone()) {
                try {
                    inFlight = CompletableFuture.runAsync(probe::probe, probing);
                } catch (RuntimeException rejected) { // closed
                    inFlight = CompletableFuture.failedFuture(rejected);
                }
            }
            return inFlight;
        }
    }

    /** A check: the probes it started (or joined), and its answer once the first caller has waited for it. */
    private final class Attempt {
        final long startedNanos;
        final List<CompletableFuture<Void>> probes;
        private Readiness answer;

        Attempt(long startedNanos, List<CompletableFuture<Void>> probes) {
            this.startedNanos = startedNanos;
            this.probes = probes;
        }

        synchronized Readiness answer() {
            if (answer == null) {
                Map<String, State> states = new LinkedHashMap<>();
                for (int i = 0; i < parts.size(); i++) {
                    states.put(parts.get(i).probe.part(), stateOf(probes.get(i)));
                }
                answer = new Readiness(states);
            }
            return answer;
        }

        private State stateOf(CompletableFuture<Void> probe) {
            long left = startedNanos + timeoutNanos - nanoClock.getAsLong();
            try {
                probe.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                return State.UP;
            } catch (ExecutionException | RuntimeException failed) {
                return State.DOWN;
            } catch (TimeoutException late) {
                return State.TIMEOUT;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return State.TIMEOUT;
            }
        }
    }
}
