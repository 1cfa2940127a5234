package org.parley.application.port.out;

/**
 * One part Parley needs in order to serve (contract §17, {@code GET /health/ready}): the database, the bus between
 * nodes. {@link #probe()} asks it whether it answers, doing the least work that proves it (a {@code SELECT 1}, a
 * {@code PING}).
 */
public interface ReadinessProbe {

    /** The part's name as the readiness answer shows it ({@code database}, {@code bus}). */
    String part();

    /**
     * Asks the part; returns when it answered. May block, up to the part's own time-out: the caller runs it on a thread
     * of its own and waits only so long.
     *
     * @throws RuntimeException when it does not answer, or answers with a failure
     */
    void probe();
}
