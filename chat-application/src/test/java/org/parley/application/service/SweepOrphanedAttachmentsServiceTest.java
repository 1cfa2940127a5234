package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.parley.application.port.in.SweepOrphanedAttachments.Swept;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.InMemoryAttachmentStore;
import org.parley.application.testing.InMemoryMessageRepository;
import org.parley.application.testing.InMemoryThreadRepository;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;

/** The orphan rule on fakes, with a clock the test moves: nothing here waits for real time. */
class SweepOrphanedAttachmentsServiceTest {

    private static final Duration AGE = Duration.ofHours(1);

    private final ManualTimeSource clock = new ManualTimeSource();
    private final InMemoryAttachmentStore store = new InMemoryAttachmentStore(clock);
    private final InMemoryMessageRepository messages = new InMemoryMessageRepository();
    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final User alice = ChatFixtures.addUser(users);
    private final User bob = ChatFixtures.addUser(users);
    private final ChatThread thread = new InMemoryThreadRepository(messages)
            .getOrCreate(Participants.of(alice.id(), bob.id()), ChatFixtures.T0);
    private final SweepOrphanedAttachmentsService sweeper =
            new SweepOrphanedAttachmentsService(store, messages, clock, AGE);

    @Test
    void an_unreferenced_file_older_than_the_age_is_removed_and_counted_and_nothing_else() {
        StoredAttachment orphan = file(1_000);
        StoredAttachment named = file(20);
        nameInAMessage(named);
        clock.advance(Duration.ofMinutes(30));
        StoredAttachment youngOrphan = file(7);
        clock.advance(Duration.ofMinutes(31));

        Swept swept = sweeper.sweep();

        assertThat(swept).isEqualTo(new Swept(1, 1_000));
        assertThat(store.keys()).containsExactlyInAnyOrder(named.storageKey(), youngOrphan.storageKey());
        assertThat(sweeper.sweep()).isEqualTo(new Swept(0, 0));
        assertThat(sweeper.sweep().removedAny()).isFalse();
    }

    @Test
    void what_uploads_left_unfinished_goes_by_the_same_age_and_is_counted() {
        store.leaveUnfinishedUpload(".incoming-old", 300);
        clock.advance(Duration.ofMinutes(50));
        store.leaveUnfinishedUpload(".incoming-young", 40);
        StoredAttachment orphan = file(1_000);
        clock.advance(Duration.ofMinutes(11));

        assertThat(sweeper.sweep()).isEqualTo(new Swept(1, 300));
        assertThat(store.unfinishedUploads()).containsExactly(".incoming-young");
        assertThat(store.keys()).containsExactly(orphan.storageKey());

        clock.advance(Duration.ofHours(1));
        assertThat(sweeper.sweep()).isEqualTo(new Swept(2, 1_040));
        assertThat(store.unfinishedUploads()).isEmpty();
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void a_file_exactly_as_old_as_the_age_stays_and_goes_a_microsecond_later() {
        StoredAttachment orphan = file(5);
        clock.advance(AGE);

        assertThat(sweeper.sweep()).isEqualTo(new Swept(0, 0));
        assertThat(store.keys()).containsExactly(orphan.storageKey());

        clock.advance(Duration.ofNanos(1_000));
        assertThat(sweeper.sweep()).isEqualTo(new Swept(1, 5));
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void a_file_whose_message_exists_is_never_removed_however_old() {
        StoredAttachment named = file(3);
        nameInAMessage(named);
        clock.advance(Duration.ofDays(400));

        assertThat(sweeper.sweep().removedAny()).isFalse();
        assertThat(store.keys()).containsExactly(named.storageKey());
    }

    @Test
    void the_messages_are_asked_once_per_thousand_old_files_and_not_at_all_when_none_is_old() {
        for (int i = 0; i < 2_500; i++) {
            file(1);
        }
        StoredAttachment named = file(2);
        nameInAMessage(named);

        assertThat(sweeper.sweep().removedAny()).isFalse();
        assertThat(messages.queriesForReferencedKeys()).isZero();

        clock.advance(AGE.plusSeconds(1));
        assertThat(sweeper.sweep()).isEqualTo(new Swept(2_500, 2_500));
        assertThat(messages.queriesForReferencedKeys()).isEqualTo(3);
        assertThat(store.keys()).containsExactly(named.storageKey());
    }

    @Test
    void an_age_below_ten_minutes_is_refused() {
        assertThatThrownBy(() -> new SweepOrphanedAttachmentsService(store, messages, clock, Duration.ofSeconds(599)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least");
    }

    private StoredAttachment file(int size) {
        return store.store(new ByteArrayInputStream(new byte[size]), size);
    }

    private void nameInAMessage(StoredAttachment stored) {
        messages.append(thread.compose(alice.id(), new MessageContent.File("", new Attachment(stored.storageKey(),
                "photo.png", stored.sizeBytes(), "image/png")), clock.now()));
    }
}
