package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.UserId;

/** Closing this node's connections for the application: whose, and with which close code. */
class OpenWebSocketsTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final OpenWebSockets open = new OpenWebSockets(registry);
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final UserId carol = UserId.random();

    @Test
    void catchingUpClosesEveryConnectionOfTheNamedUsersWith1012() {
        FakeSession alicePhone = connect(alice);
        FakeSession aliceLaptop = connect(alice);
        FakeSession bobPhone = connect(bob);
        FakeSession carolPhone = connect(carol);

        open.closeToCatchUp(List.of(alice, bob));

        for (FakeSession session : List.of(alicePhone, aliceLaptop, bobPhone)) {
            assertThat(session.closeCodes()).containsExactly(1012);
        }
        assertThat(carolPhone.closeCodes()).isEmpty();
    }

    @Test
    void closingAllToCatchUpClosesEveryConnectionWith1012() {
        List<FakeSession> sessions = Arrays.asList(connect(alice), connect(bob), connect(carol));

        open.closeAllToCatchUp();

        sessions.forEach(session -> assertThat(session.closeCodes()).containsExactly(1012));
    }

    @Test
    void onlyConnectionsOpenedBeforeTheGivenInstantAreClosedToCatchUp() {
        FakeSession older = connect(alice);
        FakeSession olderOfBob = connect(bob);
        Instant cut = Instant.now();
        while (!Instant.now().isAfter(cut)) {
            Thread.onSpinWait();
        }
        FakeSession newer = connect(alice);
        FakeSession newerOfBob = connect(bob);

        open.closeToCatchUp(List.of(alice), cut);
        open.closeAllToCatchUp(cut);

        assertThat(older.closeCodes()).as("closed by both calls").containsExactly(1012, 1012);
        assertThat(olderOfBob.closeCodes()).containsExactly(1012);
        assertThat(newer.closeCodes()).as("opened after: it caught up after the loss").isEmpty();
        assertThat(newerOfBob.closeCodes()).isEmpty();
    }

    @Test
    void aDeactivatedUsersConnectionsAreClosedWith4401AndNobodyElses() {
        FakeSession alicePhone = connect(alice);
        FakeSession aliceLaptop = connect(alice);
        FakeSession bobPhone = connect(bob);

        open.closeDeactivated(alice);

        assertThat(alicePhone.closeCodes()).containsExactly(4401);
        assertThat(aliceLaptop.closeCodes()).containsExactly(4401);
        assertThat(alicePhone.closedWith.get(0).getReasonPhrase()).isEqualTo("Account deactivated");
        assertThat(bobPhone.closeCodes()).isEmpty();
    }

    @Test
    void nobodyConnectedAndNullsCloseNothingAndNeverThrow() {
        assertThatCode(() -> {
            open.closeToCatchUp(List.of(alice));
            open.closeToCatchUp(null);
            open.closeDeactivated(null);
            open.closeAllToCatchUp();
        }).doesNotThrowAnyException();
    }

    private FakeSession connect(UserId user) {
        FakeSession session = new FakeSession();
        registry.add(new LiveConnection(user, session.session, System.nanoTime()));
        return session;
    }
}
