package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalPresenceStore;
import org.parley.application.port.in.ShowPresence;
import org.parley.application.port.in.ShowPresence.Presence;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.InMemoryPresenceRepository;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Contract §13's {@code GET /chat/presence/}, on fakes: only thread partners are shown. */
class ShowPresenceServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryPresenceRepository repository = new InMemoryPresenceRepository(storage.threads());
    private final LocalPresenceStore store = new LocalPresenceStore();
    private final ShowPresence service = new ShowPresenceService(repository, store);
    private final User me = ChatFixtures.addUser(storage.users());
    private final User online = ChatFixtures.addUser(storage.users());
    private final User offline = ChatFixtures.addUser(storage.users());
    private final User neverSeen = ChatFixtures.addUser(storage.users());
    private final User stranger = ChatFixtures.addUser(storage.users());

    @Test
    void partners_are_shown_online_or_with_their_last_seen_and_everyone_else_is_left_out() {
        for (User partner : new User[] {online, offline, neverSeen}) {
            storage.threads().getOrCreate(Participants.of(me.id(), partner.id()), ChatFixtures.T0);
        }
        storage.threads().getOrCreate(Participants.of(stranger.id(), online.id()), ChatFixtures.T0);
        Instant seen = ChatFixtures.T0.plusSeconds(60);
        repository.recordLastSeen(Map.of(offline.id(), seen, online.id(), seen));
        store.update(Set.of(online.id(), stranger.id()), Set.of());

        var shown = service.show(new ShowPresence.Query(me.id(),
                Set.of(online.id(), offline.id(), neverSeen.id(), stranger.id(), UserId.random(), me.id())));

        assertThat(shown).containsOnlyKeys(online.id(), offline.id(), neverSeen.id());
        assertThat(shown.get(online.id())).isEqualTo(new Presence(true, Optional.empty()));
        assertThat(shown.get(offline.id())).isEqualTo(new Presence(false, Optional.of(seen)));
        assertThat(shown.get(neverSeen.id())).isEqualTo(new Presence(false, Optional.empty()));
    }

    @Test
    void nobody_shared_and_no_ids_answer_nothing() {
        assertThat(service.show(new ShowPresence.Query(me.id(), Set.of(stranger.id())))).isEmpty();
        assertThat(service.show(new ShowPresence.Query(me.id(), Set.of()))).isEmpty();
    }

    @Test
    void at_most_a_hundred_ids() {
        Set<UserId> ids = new HashSet<>();
        for (int i = 0; i < ShowPresence.MAX_IDS; i++) {
            ids.add(UserId.random());
        }
        assertThat(service.show(new ShowPresence.Query(me.id(), ids))).isEmpty();
        ids.add(UserId.random());
        assertThatThrownBy(() -> new ShowPresence.Query(me.id(), ids)).isInstanceOf(IllegalArgumentException.class);
    }
}
