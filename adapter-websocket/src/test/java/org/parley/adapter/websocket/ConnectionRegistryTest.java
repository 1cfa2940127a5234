package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.UserId;

/** Each user's connections come and go one by one, and a set handed out is a snapshot that never changes. */
class ConnectionRegistryTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    private LiveConnection connection(UserId user) {
        return new LiveConnection(user, new FakeSession().session, System.nanoTime());
    }

    @Test
    void connectionsOfSeveralUsersAreAddedAndRemovedOneByOne() {
        LiveConnection phone = connection(alice);
        LiveConnection laptop = connection(alice);
        LiveConnection tablet = connection(alice);
        LiveConnection bobs = connection(bob);

        registry.add(phone);
        registry.add(laptop);
        registry.add(tablet);
        registry.add(bobs);
        registry.add(laptop);

        assertThat(registry.of(alice)).containsExactlyInAnyOrder(phone, laptop, tablet);
        assertThat(registry.of(bob)).containsExactly(bobs);
        assertThat(registry.count()).isEqualTo(4);
        assertThat(registry.all()).containsExactlyInAnyOrder(phone, laptop, tablet, bobs);

        registry.remove(laptop);
        registry.remove(laptop);
        assertThat(registry.of(alice)).containsExactlyInAnyOrder(phone, tablet);
        registry.remove(connection(alice));
        assertThat(registry.of(alice)).containsExactlyInAnyOrder(phone, tablet);

        registry.remove(phone);
        registry.remove(tablet);
        assertThat(registry.of(alice)).isEmpty();
        assertThat(registry.isConnected(alice)).isFalse();
        assertThat(registry.isConnected(bob)).isTrue();
        assertThat(registry.count()).isEqualTo(1);
    }

    @Test
    void aSetHandedOutIsASnapshotThatLaterChangesLeaveAlone() {
        LiveConnection phone = connection(alice);
        LiveConnection laptop = connection(alice);
        registry.add(phone);

        Set<LiveConnection> before = registry.of(alice);
        registry.add(laptop);
        registry.remove(phone);

        assertThat(before).containsExactly(phone);
        assertThat(registry.of(alice)).containsExactly(laptop);
    }
}
