package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.DelegatingUserAccounts;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.RecordingConnections;
import org.parley.application.testing.RecordingConnections.Closing;
import org.parley.application.testing.RecordingConnections.Kind;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** What a node does when a user changed: forget the cached user, then close a deactivated user's connections. */
class LocalUserChangesTest {

    private final InMemoryUserAccounts stored = new InMemoryUserAccounts();
    private final List<String> calls = new ArrayList<>();
    private final RecordingConnections connections = new RecordingConnections();
    private final LocalUserChanges changes = new LocalUserChanges(new DelegatingUserAccounts(stored) {
        @Override
        public void forgetCached(UserId user) {
            calls.add("forget " + user);
        }

        @Override
        public Optional<User> findById(UserId id) {
            calls.add("read " + id);
            return super.findById(id);
        }
    }, connections);

    @Test
    void aDeactivatedUserIsForgottenThenReadAndTheirConnectionsClosed() {
        User user = ChatFixtures.addUser(stored);
        stored.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), ChatFixtures.T0));

        changes.changed(user.id());

        assertThat(calls).containsExactly("forget " + user.id(), "read " + user.id());
        assertThat(connections.closings()).containsExactly(new Closing(Kind.DEACTIVATED, List.of(user.id())));
    }

    @Test
    void anActiveUserIsForgottenAndKeepsTheirConnections() {
        User user = ChatFixtures.addUser(stored);

        changes.changed(user.id());

        assertThat(calls).containsExactly("forget " + user.id(), "read " + user.id());
        assertThat(connections.closings()).isEmpty();
    }

    @Test
    void aUserWhoNoLongerExistsIsClosedAsDeactivated() {
        UserId gone = UserId.random();

        changes.changed(gone);

        assertThat(connections.closings()).containsExactly(new Closing(Kind.DEACTIVATED, List.of(gone)));
    }

    @Test
    void aUserWhoCannotBeReadIsClosedToCatchUpSoTheHandshakeChecksAgain() {
        UserId user = UserId.random();
        LocalUserChanges failing = new LocalUserChanges(new DelegatingUserAccounts(stored) {
            @Override
            public Optional<User> findById(UserId id) {
                throw new IllegalStateException("database down");
            }
        }, connections);

        assertThatCode(() -> failing.changed(user)).doesNotThrowAnyException();

        assertThat(connections.closings()).containsExactly(new Closing(Kind.CATCH_UP, List.of(user)));
    }
}
