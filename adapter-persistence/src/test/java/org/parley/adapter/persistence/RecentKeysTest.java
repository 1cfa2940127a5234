package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/** The recent keys group commit looks up: what is remembered, for how long, and that no key is lost or invented. */
class RecentKeysTest {

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final ChatThread thread = new ChatThread(new ThreadId(1), Participants.of(alice, bob), Fixtures.at(0));

    @Test
    void aKeyOfTheSameSenderIsSeenAgainAnotherSendersOrNoKeyIsNot() {
        RecentKeys keys = new RecentKeys();

        assertThat(keys.rememberAll(List.of(keyed(alice, "k1"), keyed(alice, "k2")))).isFalse();
        assertThat(keys.rememberAll(List.of(keyed(bob, "k1"), unkeyed(alice)))).isFalse();
        assertThat(keys.rememberAll(List.of(keyed(bob, "k3"), keyed(alice, "k2")))).isTrue();
        assertThat(keys.size()).isEqualTo(4);
    }

    @Test
    void theLastCapacityKeysAreRememberedAndTheOneBeforeThemIsForgotten() {
        RecentKeys keys = new RecentKeys();
        for (long i = 10; i <= RecentKeys.CAPACITY + 10; i++) {
            assertThat(keys.rememberFingerprint(i)).isTrue();
        }
        assertThat(keys.size()).isEqualTo(RecentKeys.CAPACITY);
        for (long i = RecentKeys.CAPACITY + 10; i >= 11; i--) {
            assertThat(keys.rememberFingerprint(i)).as("fingerprint %d", i).isFalse();
        }
        assertThat(keys.rememberFingerprint(10)).as("the oldest, forgotten").isTrue();
        assertThat(keys.rememberFingerprint(11)).as("now the oldest, forgotten for 10").isTrue();
    }

    /**
     * Against the map it replaces (a {@code LinkedHashMap} bounded to the capacity, oldest out first): 600,000 random
     * fingerprints drawn from 150,000 values, so keys come back both within and after the window, and the table's
     * removals move probe chains around. Every answer agrees.
     */
    @Test
    void answersAsABoundedInsertionOrderedMapWould() {
        RecentKeys keys = new RecentKeys();
        Map<Long, Boolean> model = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > RecentKeys.CAPACITY;
            }
        };
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 600_000; i++) {
            long fingerprint = random.nextInt(150_000) * 0x9E3779B97F4A7C15L;
            boolean seenByModel = model.put(fingerprint, Boolean.TRUE) != null;
            assertThat(keys.rememberFingerprint(fingerprint)).as("step %d", i).isEqualTo(!seenByModel);
        }
        assertThat(keys.size()).isEqualTo(model.size());
    }

    private DraftToStore keyed(UserId sender, String key) {
        return new DraftToStore(thread.compose(sender, Fixtures.text("hello"), Fixtures.at(1)),
                Optional.of(new ClientMessageId(key)));
    }

    private DraftToStore unkeyed(UserId sender) {
        return new DraftToStore(thread.compose(sender, Fixtures.text("hello"), Fixtures.at(1)), Optional.empty());
    }
}
