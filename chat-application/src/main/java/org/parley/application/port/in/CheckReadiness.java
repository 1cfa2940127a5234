package org.parley.application.port.in;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether this node can serve now (contract §17, {@code GET /health/ready}): every part it needs (the database, and
 * the bus when several nodes form one service) answers. Anyone may ask, without a token, as often as they like: the
 * parts are asked at most about once a second whatever the number of callers, and an answer takes at most a short
 * probe time-out, however long a part hangs.
 */
public interface CheckReadiness {

    Readiness check();

    /** A part's state. */
    enum State {
        UP,
        /** It answered with a failure, or could not be reached. */
        DOWN,
        /** It did not answer within the probe time-out. */
        TIMEOUT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param parts every part by name, in a fixed order, with its state
     */
    record Readiness(Map<String, State> parts) {
        public Readiness {
            parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parts, "parts")));
        }

        /** Whether every part is up. */
        public boolean ready() {
            return parts.values().stream().allMatch(State.UP::equals);
        }

        /** The parts that are not up, in order. */
        public List<String> failing() {
            return parts.entrySet().stream().filter(part -> part.getValue() != State.UP).map(Map.Entry::getKey)
                    .toList();
        }
    }
}
