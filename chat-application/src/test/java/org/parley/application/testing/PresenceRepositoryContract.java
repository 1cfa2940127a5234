package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.PresenceRepository;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * What every {@link PresenceRepository} must do (contract §13). Extend it and implement {@link #newStorage()} and
 * {@link #presenceOf}. The tests never assume an empty store: each creates its own users with random ids.
 */
public abstract class PresenceRepositoryContract {

    protected ChatStorage storage;
    protected PresenceRepository presence;

    /** The storage under test; called before each test. It may be shared with earlier tests. */
    protected abstract ChatStorage newStorage();

    /** The presence repository over {@code storage}'s database. */
    protected abstract PresenceRepository presenceOf(ChatStorage storage);

    @BeforeEach
    public void setUpStorage() {
        storage = newStorage();
        presence = presenceOf(storage);
    }

    @Test
    public void partners_are_everyone_who_shares_a_thread_whichever_side_they_are_on() {
        User me = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        User c = ChatFixtures.addUser(storage.users());
        User stranger = ChatFixtures.addUser(storage.users());
        User other = ChatFixtures.addUser(storage.users());
        storage.threads().getOrCreate(Participants.of(me.id(), b.id()), ChatFixtures.T0);
        storage.threads().getOrCreate(Participants.of(c.id(), me.id()), ChatFixtures.T0);
        storage.threads().getOrCreate(Participants.of(stranger.id(), other.id()), ChatFixtures.T0);

        UserId alone = ChatFixtures.addUser(storage.users()).id();
        Map<UserId, Set<UserId>> partners = presence.partnersOf(Set.of(me.id(), b.id(), alone));

        assertThat(partners.get(me.id())).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(partners.get(b.id())).containsExactly(me.id());
        assertThat(partners.getOrDefault(alone, Set.of())).isEmpty();
        assertThat(partners).doesNotContainKey(stranger.id());
        assertThat(presence.partnersOf(Set.of())).isEmpty();
    }

    @Test
    public void partners_among_leave_out_strangers_unknown_ids_and_oneself() {
        User me = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        User c = ChatFixtures.addUser(storage.users());
        User stranger = ChatFixtures.addUser(storage.users());
        storage.threads().getOrCreate(Participants.of(me.id(), b.id()), ChatFixtures.T0);
        storage.threads().getOrCreate(Participants.of(me.id(), c.id()), ChatFixtures.T0);
        storage.threads().getOrCreate(Participants.of(stranger.id(), b.id()), ChatFixtures.T0);

        Map<UserId, Optional<Instant>> found =
                presence.partnersAmong(me.id(), Set.of(b.id(), stranger.id(), UserId.random(), me.id()));

        assertThat(found).containsOnlyKeys(b.id());
        assertThat(found.get(b.id())).isEmpty();
        assertThat(presence.partnersAmong(me.id(), Set.of())).isEmpty();
    }

    @Test
    public void last_seen_is_recorded_and_never_moves_back() {
        User me = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        storage.threads().getOrCreate(Participants.of(me.id(), b.id()), ChatFixtures.T0);
        Instant first = ChatFixtures.T0.plus(5, ChronoUnit.MINUTES).plusNanos(123_000);
        Instant later = first.plus(1, ChronoUnit.HOURS);

        presence.recordLastSeen(Map.of(b.id(), first));
        assertThat(presence.partnersAmong(me.id(), Set.of(b.id()))).containsEntry(b.id(), Optional.of(first));

        presence.recordLastSeen(Map.of(b.id(), later, me.id(), first));
        presence.recordLastSeen(Map.of(b.id(), first));
        assertThat(presence.partnersAmong(b.id(), Set.of(me.id()))).containsEntry(me.id(), Optional.of(first));
        presence.recordLastSeen(Map.of());
        assertThat(presence.partnersAmong(me.id(), Set.of(b.id()))).containsEntry(b.id(), Optional.of(later));
    }

    @Test
    public void a_user_never_seen_offline_has_no_last_seen() {
        User me = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        storage.threads().getOrCreate(Participants.of(me.id(), b.id()), ChatFixtures.T0);

        assertThat(presence.partnersAmong(b.id(), Set.of(me.id()))).containsEntry(me.id(), Optional.empty());
    }

    @Test
    public void partners_of_more_users_than_one_statement_names_are_all_found() {
        User hub = ChatFixtures.addUser(storage.users());
        Set<UserId> users = new HashSet<>();
        for (int i = 0; i < PresenceRepository.BATCH + 5; i++) {
            users.add(UserId.random());
        }
        User partner = ChatFixtures.addUser(storage.users());
        storage.threads().getOrCreate(Participants.of(hub.id(), partner.id()), ChatFixtures.T0);
        users.add(hub.id());

        assertThat(presence.partnersOf(users).get(hub.id())).containsExactly(partner.id());
    }

    @Test
    public void many_candidates_are_answered_in_one_go() {
        User me = ChatFixtures.addUser(storage.users());
        Set<UserId> candidates = new HashSet<>();
        Set<UserId> partners = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            User user = ChatFixtures.addUser(storage.users());
            candidates.add(user.id());
            if (i % 3 == 0) {
                storage.threads().getOrCreate(Participants.of(me.id(), user.id()), ChatFixtures.T0);
                partners.add(user.id());
            }
        }

        assertThat(presence.partnersAmong(me.id(), candidates).keySet()).isEqualTo(partners);
    }
}
