package org.parley.application.port.out;

import java.time.Instant;

/**
 * The current time. Implementations return instants truncated to microseconds, the precision that storage and the
 * wire format keep, so a message read back equals the message that was sent.
 */
@FunctionalInterface
public interface TimeSource {
    Instant now();
}
