package org.parley.adapter.security;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

import org.parley.application.port.out.TimeSource;

/** The application's {@link TimeSource} seen as a {@link Clock}, for the JWT library's expiry checks. */
final class TimeSourceClock extends Clock {

    private final TimeSource time;

    TimeSourceClock(TimeSource time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("A TimeSource clock is always in UTC");
    }

    @Override
    public Instant instant() {
        return time.now();
    }
}
