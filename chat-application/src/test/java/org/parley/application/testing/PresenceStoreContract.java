package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.PresenceStore;
import org.parley.application.port.out.PresenceStore.Transitions;
import org.parley.domain.user.UserId;

/**
 * What every {@link PresenceStore} does for one node (contract §13). Extend it and implement {@link #newStore()}; a
 * store shared by several nodes adds its own tests of what the nodes see of each other.
 */
public abstract class PresenceStoreContract {

    protected PresenceStore store;

    /** A store for one node, seeing none of the users the tests make up. */
    protected abstract PresenceStore newStore();

    @BeforeEach
    public void setUpStore() {
        store = newStore();
    }

    @Test
    public void an_arrival_comes_online_once_and_a_departure_goes_offline_once() {
        UserId ada = UserId.random();
        UserId bob = UserId.random();

        assertThat(store.update(Set.of(ada, bob), Set.of())).isEqualTo(new Transitions(Set.of(ada, bob), Set.of()));
        assertThat(store.online(Set.of(ada, bob, UserId.random()))).containsExactlyInAnyOrder(ada, bob);
        assertThat(store.update(Set.of(ada), Set.of())).isEqualTo(Transitions.none());

        assertThat(store.update(Set.of(), Set.of(ada))).isEqualTo(new Transitions(Set.of(), Set.of(ada)));
        assertThat(store.online(Set.of(ada, bob))).containsExactly(bob);
        assertThat(store.update(Set.of(), Set.of(ada))).isEqualTo(Transitions.none());
    }

    @Test
    public void maintaining_what_it_knows_changes_nothing() {
        UserId ada = UserId.random();
        store.update(Set.of(ada), Set.of());

        assertThat(store.maintain(Set.of(ada))).isEqualTo(Transitions.none());
        assertThat(store.online(Set.of(ada))).containsExactly(ada);
        assertThat(store.maintenanceInterval()).isPositive();
    }

    @Test
    public void nobody_is_online_who_never_arrived() {
        assertThat(store.online(Set.of(UserId.random(), UserId.random()))).isEmpty();
        assertThat(store.online(Set.of())).isEmpty();
    }
}
