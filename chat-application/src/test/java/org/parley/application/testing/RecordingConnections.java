package org.parley.application.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.port.out.OpenConnections;
import org.parley.domain.user.UserId;

/** {@link OpenConnections} that records what it was asked to close, in order, for tests to inspect. Thread-safe. */
public final class RecordingConnections implements OpenConnections {

    /** One request to close connections: of whom, and opened before when ({@link #ANY_TIME}: whenever). */
    public record Closing(Kind kind, List<UserId> users, Instant openedBefore) {

        /** A request for every connection, whenever it was opened. */
        public Closing(Kind kind, List<UserId> users) {
            this(kind, users, ANY_TIME);
        }
    }

    /** Why connections were to be closed. */
    public enum Kind { CATCH_UP, ALL_CATCH_UP, DEACTIVATED }

    private final List<Closing> closings = new CopyOnWriteArrayList<>();
    private final List<Boolean> toldOffTheBus = new CopyOnWriteArrayList<>();
    private final List<Duration> silences = new CopyOnWriteArrayList<>();
    private final AtomicInteger heardAgain = new AtomicInteger();

    @Override
    public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
        closings.add(new Closing(Kind.CATCH_UP, List.copyOf(users), openedBefore));
    }

    @Override
    public void closeAllToCatchUp(Instant openedBefore) {
        closings.add(new Closing(Kind.ALL_CATCH_UP, List.of(), openedBefore));
    }

    @Override
    public void closeDeactivated(UserId user) {
        closings.add(new Closing(Kind.DEACTIVATED, List.of(user)));
    }

    @Override
    public void offTheBus(boolean off) {
        toldOffTheBus.add(off);
    }

    @Override
    public void otherNodeSilent(Duration silentFor) {
        silences.add(silentFor);
    }

    @Override
    public void otherNodeHeardAgain() {
        heardAgain.incrementAndGet();
    }

    /** How many times {@link #otherNodeHeardAgain} was told. */
    public int heardAgain() {
        return heardAgain.get();
    }

    /** What {@link #otherNodeSilent} was told, oldest first (a snapshot). */
    public List<Duration> silences() {
        return List.copyOf(silences);
    }

    /** What {@link #offTheBus} was told, oldest first (a snapshot). */
    public List<Boolean> toldOffTheBus() {
        return List.copyOf(toldOffTheBus);
    }

    /** Every request so far, oldest first (a snapshot). */
    public List<Closing> closings() {
        return List.copyOf(closings);
    }
}
