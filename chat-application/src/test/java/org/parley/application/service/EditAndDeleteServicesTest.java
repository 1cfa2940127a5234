package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.ValidationFailed;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.ChangedMessage;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.PageRequest;
import org.parley.application.port.in.ListThreadFiles;
import org.parley.application.port.in.UploadAttachment;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.StoredFile;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.DelegatingMessageRepository;
import org.parley.application.testing.FakeLinkSigner;
import org.parley.application.testing.InMemoryAttachmentStore;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageChangeServices;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.MessageType;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;

/** {@link EditMessageService} and {@link DeleteMessageService} on the in-memory fakes (contract §12). */
class EditAndDeleteServicesTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final ManualTimeSource time = new ManualTimeSource();
    private final InMemoryAttachmentStore files = new InMemoryAttachmentStore(time);
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final MessageWriter writer = MessageWriters.start(storage.messages(), delivery);
    private final FakeLinkSigner signer = new FakeLinkSigner();
    private final LinkToAttachment links = new LinkToAttachmentService(signer, Duration.ofHours(1), time);
    private final MessageChangeServices changes = MessageChangeServices.on(storage, delivery, time).withStore(files);
    private final EditMessage edit = changes.withRules(new MessageRules(20)).edit();
    private final DeleteMessage delete = changes.delete();
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    @Test
    void the_sender_edits_a_text_and_both_sides_are_told_after_it_is_stored() {
        Message sent = text(alice, bob, "helo");
        Instant editedAt = time.advance(Duration.ofSeconds(30));

        ChangedMessage changed = edit.edit(new EditMessage.Command(alice.id(), sent.id(), "hello",
                Optional.of(new ClientMessageId("e1"))));

        Message expected = sent.editedTo(new MessageContent.Text("hello"), editedAt);
        assertThat(changed.message()).isEqualTo(expected);
        assertThat(changed.people()).containsKeys(alice.id(), bob.id());
        assertThat(storage.messages().findById(sent.id())).contains(expected);
        assertThat(delivery.delivered()).containsExactly(new MessageEdited(expected,
                List.of(new Delivery(bob.id(), Audience.RECEIVER), new Delivery(alice.id(), Audience.SENDER)),
                Optional.of(new ClientMessageId("e1"))));
    }

    @Test
    void nobody_but_the_sender_edits_and_an_unknown_id_is_the_same_not_found() {
        Message sent = text(alice, bob, "mine");

        assertThatThrownBy(() -> edit.edit(command(bob, sent.id(), "theirs"))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> edit.edit(command(alice, new MessageId(999_999), "x")))
                .isInstanceOf(NotFound.class).hasMessage("No message with this id was sent by you");
        assertThat(storage.messages().findById(sent.id())).contains(sent);
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void the_new_text_follows_the_rules_of_a_new_text() {
        Message sent = text(alice, bob, "short");

        assertThatThrownBy(() -> edit.edit(command(alice, sent.id(), "   "))).isInstanceOf(DomainRuleViolation.class);
        assertThatThrownBy(() -> edit.edit(command(alice, sent.id(), "x".repeat(21))))
                .isInstanceOf(DomainRuleViolation.class);
        assertThatThrownBy(() -> edit.edit(command(alice, sent.id(), "\ud83d alone")))
                .isInstanceOf(DomainRuleViolation.class);
        assertThat(edit.edit(command(alice, sent.id(), "🎉".repeat(20))).message().edited()).isTrue();
    }

    @Test
    void only_text_is_edited_and_a_deleted_message_is_a_conflict() {
        Message file = file(alice, bob);
        Message profile = storage.messages().append(thread().compose(alice.id(),
                new MessageContent.ProfileShare(bob.id()), time.now()));
        Message gone = text(alice, bob, "soon gone");
        delete.delete(new DeleteMessage.Command(alice.id(), gone.id(), Optional.empty()));
        delivery.clear();

        assertThatThrownBy(() -> edit.edit(command(alice, file.id(), "x"))).isInstanceOf(ValidationFailed.class)
                .hasMessage("Only text messages can be edited");
        assertThatThrownBy(() -> edit.edit(command(alice, profile.id(), "x"))).isInstanceOf(ValidationFailed.class);
        assertThatThrownBy(() -> edit.edit(command(alice, gone.id(), "x"))).isInstanceOf(Conflict.class);
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void an_edit_that_loses_the_race_to_a_deletion_is_a_conflict_and_tells_nobody() {
        Message sent = text(alice, bob, "racing");
        EditMessage racing = changes.withMessages(new DelegatingMessageRepository(storage.messages()) {
            @Override
            public boolean saveEdit(MessageId message, MessageContent.Text text, Instant at) {
                storage.messages().saveDeletion(message, at);
                return super.saveEdit(message, text, at);
            }
        }).edit();

        assertThatThrownBy(() -> racing.edit(command(alice, sent.id(), "x"))).isInstanceOf(Conflict.class);
        assertThat(storage.messages().findById(sent.id()).orElseThrow().deleted()).isTrue();
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void the_sender_deletes_a_text_leaving_a_tombstone_and_both_sides_are_told() {
        Message sent = text(alice, bob, "regret");
        Instant deletedAt = time.advance(Duration.ofSeconds(5));

        ChangedMessage changed = delete.delete(new DeleteMessage.Command(alice.id(), sent.id(),
                Optional.of(new ClientMessageId("d1"))));

        Message tombstone = sent.deletedAt(deletedAt);
        assertThat(changed.message()).isEqualTo(tombstone);
        assertThat(storage.messages().findById(sent.id())).contains(tombstone);
        assertThat(delivery.delivered()).containsExactly(new MessageDeleted(tombstone,
                List.of(new Delivery(bob.id(), Audience.RECEIVER), new Delivery(alice.id(), Audience.SENDER)),
                Optional.of(new ClientMessageId("d1"))));
    }

    @Test
    void nobody_but_the_sender_deletes_and_an_unknown_id_is_the_same_not_found() {
        Message sent = text(alice, bob, "mine");

        assertThatThrownBy(() -> delete.delete(new DeleteMessage.Command(bob.id(), sent.id(), Optional.empty())))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> delete.delete(new DeleteMessage.Command(alice.id(), new MessageId(999_999),
                Optional.empty()))).isInstanceOf(NotFound.class);
        assertThat(storage.messages().findById(sent.id())).contains(sent);
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void deleting_twice_answers_the_same_tombstone_and_tells_both_sides_again_with_the_first_time() {
        Message sent = text(alice, bob, "twice");
        Instant first = time.advance(Duration.ofSeconds(1));
        delete.delete(new DeleteMessage.Command(alice.id(), sent.id(), Optional.empty()));
        time.advance(Duration.ofSeconds(1));

        ChangedMessage again = delete.delete(new DeleteMessage.Command(alice.id(), sent.id(), Optional.empty()));

        assertThat(again.message()).isEqualTo(sent.deletedAt(first));
        List<OutboundEvent> events = delivery.delivered();
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).isEqualTo(events.get(0));
    }

    @Test
    void deleting_a_file_removes_its_bytes_after_the_commit_and_its_link_and_listing_go() throws Exception {
        Message file = file(alice, bob);
        String key = ((MessageContent.File) file.content()).attachment().storageKey();
        AttachmentLink link = links.linkFor(file).orElseThrow();
        List<String> seenAtDeletion = new java.util.ArrayList<>();
        AttachmentStore watching = new DelegatingStore(files) {
            @Override
            public void delete(String storageKey) {
                seenAtDeletion.add(storage.messages().findById(file.id()).orElseThrow().deleted() ? "committed" : "not");
                super.delete(storageKey);
            }
        };
        DeleteMessage deleting = changes.withStore(watching).delete();

        Message tombstone = deleting.delete(new DeleteMessage.Command(alice.id(), file.id(), Optional.empty()))
                .message();

        assertThat(seenAtDeletion).containsExactly("committed");
        assertThat(files.keys()).doesNotContain(key);
        assertThat(tombstone.content()).isEqualTo(new MessageContent.Deleted(MessageType.FILE));
        assertThat(links.linkFor(tombstone)).isEmpty();
        DownloadAttachment download = new DownloadAttachmentService(storage.messages(), files, signer, time);
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(file.id(), key,
                Optional.of(link.expiresEpochSecond()), Optional.of(link.signature()), Optional.empty())))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(file.id(), key,
                Optional.empty(), Optional.empty(), Optional.of(bob.id())))).isInstanceOf(NotFound.class);
        ListThreadFiles listFiles = new ListThreadFilesService(storage.users(), storage.threads(), storage.messages(), new InMemoryReadMarkerRepository(storage.threads(), storage.messages()));
        assertThat(listFiles.list(new ListThreadFiles.Query(alice.id(), file.threadId(), PageRequest.newest()))
                .messages()).isEmpty();
        AnnounceFileMessage announce = new AnnounceFileMessageService(storage.messages(), delivery, links,
                SendBudget.unlimited());
        assertThatThrownBy(() -> announce.announce(new AnnounceFileMessage.Command(alice.id(), file.id(),
                Optional.empty()))).isInstanceOf(NotFound.class);
    }

    @Test
    void bytes_the_store_fails_to_remove_are_left_to_the_orphan_sweeper() {
        Message file = file(alice, bob);
        String key = ((MessageContent.File) file.content()).attachment().storageKey();
        DeleteMessage failingStore = changes.withStore(new DelegatingStore(files) {
            @Override
            public void delete(String storageKey) {
                throw new java.io.UncheckedIOException(new java.io.IOException("disk gone"));
            }
        }).delete();

        Message tombstone = failingStore.delete(new DeleteMessage.Command(alice.id(), file.id(), Optional.empty()))
                .message();

        assertThat(tombstone.deleted()).isTrue();
        assertThat(files.keys()).contains(key);
        time.advance(Duration.ofHours(2));
        new SweepOrphanedAttachmentsService(files, storage.messages(), time, Duration.ofHours(1)).sweep();
        assertThat(files.keys()).doesNotContain(key);
    }

    @Test
    void edits_and_deletions_take_from_the_send_rate_and_change_nothing_when_refused() {
        Message sent = text(alice, bob, "limited");
        SendBudget one = new LocalSendBudget(new SendRate(1, 1), time);
        EditMessage limitedEdit = changes.withBudget(one).edit();
        DeleteMessage limitedDelete = changes.withBudget(one).delete();

        limitedEdit.edit(command(alice, sent.id(), "once"));
        assertThatThrownBy(() -> limitedDelete.delete(new DeleteMessage.Command(alice.id(), sent.id(),
                Optional.empty()))).isInstanceOf(RateLimited.class);
        assertThatThrownBy(() -> limitedEdit.edit(command(alice, sent.id(), "twice"))).isInstanceOf(RateLimited.class);
        assertThat(storage.messages().findById(sent.id()).orElseThrow().content())
                .isEqualTo(new MessageContent.Text("once"));
        assertThat(delivery.delivered()).hasSize(1);
    }

    private EditMessage.Command command(User editor, MessageId message, String body) {
        return new EditMessage.Command(editor.id(), message, body, Optional.empty());
    }

    private org.parley.domain.chat.ChatThread thread() {
        return storage.threads().getOrCreate(Participants.of(alice.id(), bob.id()), time.now());
    }

    private Message text(User from, User to, String body) {
        return storage.messages().append(thread().compose(from.id(), new MessageContent.Text(body), time.now()));
    }

    private Message file(User from, User to) {
        UploadAttachment upload = new UploadAttachmentService(storage.users(), storage.threads(), writer, links, files,
                (firstBytes, name) -> "image/png", MessageRules.defaults(), 1_000, time, SendBudget.unlimited(), new InMemoryReadMarkerRepository(storage.threads(), storage.messages()));
        Message message = upload.upload(new UploadAttachment.Command(from.id(), to.id(), "caption", "a.png",
                new ByteArrayInputStream(new byte[] {1, 2, 3}))).message();
        delivery.clear();
        return message;
    }

    /** An {@link AttachmentStore} passing every call on, for tests to override one. */
    private static class DelegatingStore implements AttachmentStore {
        private final AttachmentStore delegate;

        DelegatingStore(AttachmentStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public StoredAttachment store(InputStream content, long maxBytes) {
            return delegate.store(content, maxBytes);
        }

        @Override
        public Optional<InputStream> open(String storageKey, long offset) {
            return delegate.open(storageKey, offset);
        }

        @Override
        public void delete(String storageKey) {
            delegate.delete(storageKey);
        }

        @Override
        public java.util.stream.Stream<StoredFile> storedFiles() {
            return delegate.storedFiles();
        }

        @Override
        public RemovedFiles removeUnfinishedUploads(Instant writtenBefore) {
            return delegate.removeUnfinishedUploads(writtenBefore);
        }
    }
}
