package org.parley.bootstrap;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.parley.application.port.out.TimeSource;

/** The wall clock, in UTC, truncated to the microseconds that storage and the wire format keep. */
final class SystemTimeSource implements TimeSource {

    private final Clock clock = Clock.systemUTC();

    @Override
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
