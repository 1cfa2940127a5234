package org.parley.application.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.parley.application.port.out.OpenConnections;
import org.parley.domain.user.UserId;

/** {@link OpenConnections} that records what it was asked to close, in order, for tests to inspect. Thread-safe. */
public final class RecordingConnections implements OpenConnections {

    /** One request to close connections. */
    public record Closing(Kind kind, List<UserId> users) {
    }

    /** Why connections were to be closed. */
    public enum Kind { CATCH_UP, ALL_CATCH_UP, DEACTIVATED }

    private final List<Closing> closings = new CopyOnWriteArrayList<>();

    @Override
    public void closeToCatchUp(Collection<UserId> users) {
        closings.add(new Closing(Kind.CATCH_UP, List.copyOf(users)));
    }

    @Override
    public void closeAllToCatchUp() {
        closings.add(new Closing(Kind.ALL_CATCH_UP, List.of()));
    }

    @Override
    public void closeDeactivated(UserId user) {
        closings.add(new Closing(Kind.DEACTIVATED, List.of(user)));
    }

    /** Every request so far, oldest first (a snapshot). */
    public List<Closing> closings() {
        return List.copyOf(closings);
    }
}
