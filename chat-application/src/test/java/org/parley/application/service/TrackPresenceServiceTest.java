package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalPresenceStore;
import org.parley.application.port.in.TrackPresence;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.PresenceStore;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.InMemoryPresenceRepository;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Contract §13's presence announcements, on fakes and this node's own store. */
class TrackPresenceServiceTest {

    private static final Duration LONG_GRACE = Duration.ofHours(1);

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryPresenceRepository repository = new InMemoryPresenceRepository(storage.threads());
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final User ada = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());
    private final User cyd = ChatFixtures.addUser(storage.users());
    private final User loner = ChatFixtures.addUser(storage.users());
    private TrackPresenceService service;

    TrackPresenceServiceTest() {
        storage.threads().getOrCreate(Participants.of(ada.id(), bob.id()), ChatFixtures.T0);
        storage.threads().getOrCreate(Participants.of(cyd.id(), ada.id()), ChatFixtures.T0);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void the_first_connection_tells_every_thread_partner_and_later_ones_tell_nobody() {
        service = tracking(new LocalPresenceStore(), Duration.ZERO);

        service.opened(ada.id());
        service.opened(ada.id());
        service.settle();

        List<PresenceChanged> told = delivery.ofKind(PresenceChanged.class);
        assertThat(told).hasSize(1);
        assertThat(told.get(0).user()).isEqualTo(ada.id());
        assertThat(told.get(0).online()).isTrue();
        assertThat(told.get(0).lastSeen()).isEmpty();
        assertThat(told.get(0).deliveries()).containsExactlyInAnyOrder(new Delivery(bob.id(), Audience.RECEIVER),
                new Delivery(cyd.id(), Audience.RECEIVER));
    }

    @Test
    void the_last_connection_closing_tells_the_partners_and_records_last_seen() {
        service = tracking(new LocalPresenceStore(), Duration.ZERO);
        TrackPresence.Connection phone = service.opened(bob.id());
        TrackPresence.Connection laptop = service.opened(bob.id());
        service.settle();
        delivery.clear();

        phone.closed();
        phone.closed();
        service.settle();
        assertThat(delivery.delivered()).isEmpty();

        time.advance(Duration.ofMinutes(3));
        Instant lastClosed = time.now();
        laptop.closed();
        time.advance(Duration.ofMinutes(1));
        service.settle();

        assertThat(delivery.ofKind(PresenceChanged.class)).containsExactly(new PresenceChanged(bob.id(), false,
                Optional.of(lastClosed), List.of(new Delivery(ada.id(), Audience.RECEIVER))));
        assertThat(repository.partnersAmong(ada.id(), Set.of(bob.id()))).containsEntry(bob.id(),
                Optional.of(lastClosed));
    }

    @Test
    void a_user_sharing_no_thread_is_announced_to_nobody_but_last_seen_is_kept() {
        service = tracking(new LocalPresenceStore(), Duration.ZERO);

        service.opened(loner.id()).closed();
        service.settle();

        assertThat(delivery.delivered()).isEmpty();
        storage.threads().getOrCreate(Participants.of(loner.id(), ada.id()), ChatFixtures.T0);
        assertThat(repository.partnersAmong(ada.id(), Set.of(loner.id())).get(loner.id())).isEmpty();
    }

    @Test
    void reconnecting_within_the_grace_announces_nothing_however_often() {
        service = tracking(new LocalPresenceStore(), LONG_GRACE);
        service.opened(ada.id());
        service.settle();
        delivery.clear();
        TrackPresence.Connection connection = service.opened(ada.id());

        for (int flap = 0; flap < 50; flap++) {
            connection.closed();
            connection = service.opened(ada.id());
        }
        service.settle();

        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void the_offline_notice_follows_the_grace() {
        service = tracking(new LocalPresenceStore(), Duration.ofMillis(100));
        service.opened(bob.id()).closed();

        awaitTrue(() -> delivery.ofKind(PresenceChanged.class).stream().anyMatch(told -> !told.online()));
        assertThat(delivery.ofKind(PresenceChanged.class)).extracting(PresenceChanged::online)
                .containsExactly(true, false);
    }

    @Test
    void a_user_who_came_and_went_between_two_turns_is_no_change() {
        PresenceStore store = new LocalPresenceStore();
        service = tracking(store, Duration.ZERO);
        // Both happen before the worker's turn can take either: under the worker's own lock there is no such
        // guarantee, so this checks the outcome, whichever way the turns fell.
        service.opened(cyd.id()).closed();
        service.settle();

        List<PresenceChanged> told = delivery.ofKind(PresenceChanged.class);
        assertThat(told.size()).isIn(0, 2);
        assertThat(store.online(Set.of(cyd.id()))).isEmpty();
    }

    @Test
    void users_of_a_node_that_stopped_are_announced_offline_when_the_store_finds_them() {
        UserId[] found = {null};
        LocalPresenceStore local = new LocalPresenceStore();
        PresenceStore store = new PresenceStore() {
            @Override
            public Transitions update(Set<UserId> arrived, Set<UserId> left) {
                return local.update(arrived, left);
            }

            @Override
            public Transitions maintain(Set<UserId> heldHere) {
                return found[0] == null ? Transitions.none() : new Transitions(Set.of(), Set.of(found[0]));
            }

            @Override
            public Set<UserId> online(Collection<UserId> users) {
                return local.online(users);
            }

            @Override
            public Duration maintenanceInterval() {
                return Duration.ofHours(1);
            }
        };
        service = tracking(store, Duration.ZERO);
        found[0] = ada.id();

        service.maintainNow();

        List<PresenceChanged> told = delivery.ofKind(PresenceChanged.class);
        assertThat(told).hasSize(1);
        assertThat(told.get(0).user()).isEqualTo(ada.id());
        assertThat(told.get(0).online()).isFalse();
        assertThat(told.get(0).lastSeen()).contains(time.now());
        assertThat(told.get(0).deliveries()).containsExactlyInAnyOrder(new Delivery(bob.id(), Audience.RECEIVER),
                new Delivery(cyd.id(), Audience.RECEIVER));
        assertThat(repository.partnersAmong(bob.id(), Set.of(ada.id()))).containsEntry(ada.id(),
                Optional.of(time.now()));
    }

    @Test
    void stopping_lets_everyone_go_at_once_and_announces_it() {
        service = tracking(new LocalPresenceStore(), LONG_GRACE);
        service.opened(ada.id());
        service.opened(bob.id()).closed();
        service.settle();
        delivery.clear();

        service.close();

        assertThat(delivery.ofKind(PresenceChanged.class)).extracting(PresenceChanged::user, PresenceChanged::online)
                .containsExactlyInAnyOrder(tuple(ada.id(), false),
                        tuple(bob.id(), false));
    }

    private TrackPresenceService tracking(PresenceStore store, Duration grace) {
        return new TrackPresenceService(store, repository, delivery, time, grace);
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
