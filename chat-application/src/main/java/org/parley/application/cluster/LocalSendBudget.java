package org.parley.application.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.parley.application.port.out.Admission;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.user.UserId;

/**
 * One node's {@link SendBudget}: a token bucket per user in memory ({@link SendRate}), on this node's
 * {@link TimeSource}. With several nodes the Redis adapter's budget, shared by all of them, is used instead.
 *
 * <p>A bucket holds at most {@code burst} tokens, starts full and gains {@code perSecond} tokens a second; each message
 * takes one. Refused: the wait until the next token (at least 1 ms). Buckets that have refilled completely are the
 * same as no bucket, so they are dropped from time to time: memory holds only users who sent within the last
 * {@code burst / perSecond} seconds (two seconds by default).
 */
public final class LocalSendBudget implements SendBudget {

    /** Takes between two sweeps of full buckets. */
    private static final long SWEEP_EVERY = 10_000;
    /** One message, in the bucket's unit: a second's refill at one message a second, in microseconds. */
    private static final long TOKEN = 1_000_000;

    private final SendRate rate;
    private final TimeSource time;
    private final Map<UserId, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong takes = new AtomicLong();

    public LocalSendBudget(SendRate rate, TimeSource time) {
        this.rate = Objects.requireNonNull(rate, "rate");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public Admission take(UserId sender) {
        long now = micros(time.now());
        Admission[] answer = new Admission[1];
        buckets.compute(sender, (user, bucket) -> {
            Bucket current = bucket == null ? Bucket.full(rate, now) : bucket.at(now, rate);
            if (current.level() >= TOKEN) {
                answer[0] = Admission.grant();
                return new Bucket(current.level() - TOKEN, current.since());
            }
            answer[0] = Admission.refuse(Duration.of(current.microsUntilOne(rate), ChronoUnit.MICROS));
            return current;
        });
        if (takes.incrementAndGet() % SWEEP_EVERY == 0) {
            long full = (long) rate.burst() * TOKEN;
            // One bucket at a time, atomically: a message taken meanwhile keeps its bucket.
            buckets.keySet().forEach(user -> buckets.computeIfPresent(user,
                    (key, bucket) -> bucket.at(now, rate).level() >= full ? null : bucket));
        }
        return answer[0];
    }

    /** Answers from memory: a bucket per user in a concurrent map, changed atomically and briefly. */
    @Override
    public Optional<Admission> takeFromMemory(UserId sender) {
        return Optional.of(take(sender));
    }

    /** One message back into {@code sender}'s bucket, up to {@code burst}; nothing when the bucket is gone (full). */
    @Override
    public void giveBack(UserId sender) {
        long capacity = (long) rate.burst() * TOKEN;
        buckets.computeIfPresent(sender,
                (user, bucket) -> new Bucket(Math.min(capacity, bucket.level() + TOKEN), bucket.since()));
    }

    /** How many users this node holds a bucket for now (for tests). */
    int bucketsHeld() {
        return buckets.size();
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /**
     * A bucket's level at {@code since} (microseconds since the epoch), in millionths of a message, so that every
     * step is exact integer arithmetic (the same as the shared budget's, which runs in Redis).
     */
    private record Bucket(long level, long since) {

        static Bucket full(SendRate rate, long now) {
            return new Bucket((long) rate.burst() * TOKEN, now);
        }

        /** The bucket refilled up to {@code now}; a clock that went back refills nothing. */
        Bucket at(long now, SendRate rate) {
            long capacity = (long) rate.burst() * TOKEN;
            long elapsed = Math.min(Math.max(0, now - since), capacity / rate.perSecond() + 1);
            return new Bucket(Math.min(capacity, level + elapsed * rate.perSecond()), Math.max(now, since));
        }

        /** Microseconds until the bucket holds one message again (it holds less now). */
        long microsUntilOne(SendRate rate) {
            return Math.floorDiv(TOKEN - level + rate.perSecond() - 1, rate.perSecond());
        }
    }
}
