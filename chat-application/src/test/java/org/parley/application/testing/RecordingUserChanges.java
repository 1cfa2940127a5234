package org.parley.application.testing;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.parley.application.port.out.UserChanges;
import org.parley.domain.user.UserId;

/** {@link UserChanges} that keeps every user announced as changed, in order, for tests to inspect. Thread-safe. */
public final class RecordingUserChanges implements UserChanges {

    private final List<UserId> changed = new CopyOnWriteArrayList<>();

    @Override
    public void changed(UserId user) {
        changed.add(Objects.requireNonNull(user, "user"));
    }

    /** Every user announced so far, oldest first (a snapshot). */
    public List<UserId> changed() {
        return List.copyOf(changed);
    }
}
