package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.TooLarge;
import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.application.port.in.ListThreadFiles;
import org.parley.application.port.in.PageRequest;
import org.parley.application.port.in.Sent;
import org.parley.application.port.in.ShareProfile;
import org.parley.application.port.in.UploadAttachment;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.ContentTypes;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.FailingMessageRepository;
import org.parley.application.testing.FakeLinkSigner;
import org.parley.application.testing.InMemoryAttachmentStore;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.ManualTimeSource;
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
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

class AttachmentServicesTest {

    private static final long MAX = 1000;

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryAttachmentStore files = new InMemoryAttachmentStore();
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final FakeLinkSigner signer = new FakeLinkSigner();
    private final MessageWriter writer = MessageWriters.start(storage.messages(), delivery);
    /** Every first bytes and name the upload asked about; answers {@code image/png} for a PNG signature. */
    private final List<byte[]> detected = new ArrayList<>();
    private final List<String> detectedNames = new ArrayList<>();
    private final ContentTypes contentTypes = (firstBytes, fileName) -> {
        detected.add(firstBytes.clone());
        detectedNames.add(fileName);
        return firstBytes.length > 3 && firstBytes[1] == 'P' && firstBytes[2] == 'N' && firstBytes[3] == 'G'
                ? "image/png" : "application/octet-stream";
    };
    private final InMemoryReadMarkerRepository markers =
            new InMemoryReadMarkerRepository(storage.threads(), storage.messages());
    private final LinkToAttachment links = new LinkToAttachmentService(signer, Duration.ofHours(1), time);
    private final UploadAttachment upload = new UploadAttachmentService(storage.users(), storage.threads(),
            writer, links, files, contentTypes, MessageRules.defaults(), MAX, time, SendBudget.unlimited(),
            markers);
    private final AnnounceFileMessage announce = new AnnounceFileMessageService(storage.messages(), delivery, links,
            SendBudget.unlimited());
    private final ShareProfile share = new ShareProfileService(storage.users(), storage.threads(), writer, time,
            SendBudget.unlimited());
    private final ListThreadFiles listFiles = new ListThreadFilesService(storage.users(), storage.threads(),
            storage.messages(), markers);
    private final DownloadAttachment download = new DownloadAttachmentService(storage.messages(), files, signer, time);
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());
    private final User carol = ChatFixtures.addUser(storage.users());

    @Test
    void upload_stores_bytes_and_a_file_message_telling_nobody_but_publishing_its_place() throws IOException {
        UploadAttachment.Uploaded uploaded = upload(alice, bob.id(), "look", "../../holiday.jpg", new byte[] {1, 2, 3});

        Message message = uploaded.message();
        assertThat(message.type()).isEqualTo(MessageType.FILE);
        MessageContent.File file = (MessageContent.File) message.content();
        assertThat(file.caption()).isEqualTo("look");
        assertThat(file.attachment().fileName()).isEqualTo("holiday.jpg");
        assertThat(file.attachment().sizeBytes()).isEqualTo(3);
        assertThat(file.attachment().storageKey()).doesNotContain("holiday");
        try (InputStream in = files.open(file.attachment().storageKey(), 0).orElseThrow()) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
        assertThat(uploaded.people()).containsKeys(alice.id(), bob.id());
        assertThat(storage.messages().findById(message.id())).contains(message);
        // Nobody is told (the sender announces it), but the event says where the message stands in its thread, so a
        // cluster keeping the conversation's order can move past it.
        MessageStored published = delivery.single();
        assertThat(published.message()).isEqualTo(message);
        assertThat(published.deliveries()).isEmpty();
        assertThat(published.position()).isEqualTo(ThreadPosition.first());
        assertThat(published.attachmentLink()).isPresent();
    }

    @Test
    void upload_checks_the_receiver_before_storing_any_byte() {
        assertThatThrownBy(() -> upload(alice, UserId.random(), "", "a.txt", new byte[] {1}))
                .isInstanceOf(UnknownUser.class);
        assertThatThrownBy(() -> upload(alice, alice.id(), "", "a.txt", new byte[] {1}))
                .isInstanceOf(DomainRuleViolation.class);
        assertThat(files.keys()).isEmpty();
    }

    @Test
    void an_upload_over_the_limit_leaves_nothing() {
        assertThatThrownBy(() -> upload(alice, bob.id(), "", "big.bin", new byte[(int) MAX + 1]))
                .isInstanceOf(TooLarge.class);

        assertThat(files.keys()).isEmpty();
        assertThat(storage.threads().findByParticipants(Participants.of(alice.id(), bob.id()))).isEmpty();
    }

    @Test
    void bytes_stored_before_a_failing_message_insert_are_deleted_again() {
        MessageWriter failing = MessageWriters.start(
                new FailingMessageRepository(new IllegalStateException("database down")), delivery);
        UploadAttachment broken = new UploadAttachmentService(storage.users(), storage.threads(), failing, links, files,
                contentTypes, MessageRules.defaults(), MAX, time, SendBudget.unlimited(),
            markers);

        assertThatThrownBy(() -> broken.upload(new UploadAttachment.Command(alice.id(), bob.id(), "", "a.txt",
                new ByteArrayInputStream(new byte[] {1, 2})))).hasMessage("database down");
        failing.close();
        assertThat(files.keys()).isEmpty();
    }

    @Test
    void only_the_sender_can_announce_a_file_message() {
        Message message = upload(alice, bob.id(), "", "a.txt", new byte[] {1}).message();
        Message text = storage.messages().append(storage.threads().findById(message.threadId()).orElseThrow()
                .compose(alice.id(), new MessageContent.Text("hi"), time.now()));
        delivery.clear(); // the upload's own event, which tells nobody

        assertThatThrownBy(() -> announce.announce(announceCommand(bob, message.id()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> announce.announce(announceCommand(carol, message.id()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> announce.announce(announceCommand(alice, text.id()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> announce.announce(announceCommand(alice, new MessageId(9999))))
                .isInstanceOf(NotFound.class);
        assertThat(delivery.delivered()).isEmpty();

        announce.announce(new AnnounceFileMessage.Command(alice.id(), message.id(),
                Optional.of(new ClientMessageId("c-1"))));
        MessageStored event = delivery.single();
        assertThat(event.message()).isEqualTo(message);
        assertThat(event.clientMessageId()).contains(new ClientMessageId("c-1"));
        assertThat(event.deliveries()).extracting(d -> d.audience())
                .containsExactly(Audience.RECEIVER, Audience.SENDER);
        assertThat(event.attachmentLink()).as("signed by the application, so any node can render it")
                .isEqualTo(links.linkFor(message));
        assertThat(event.position()).as("an announcement repeats a message stored earlier: it moves no order along")
                .isEqualTo(ThreadPosition.unknown());
    }

    @Test
    void each_announcement_takes_from_the_send_budget_and_one_beyond_it_delivers_nothing() {
        Message message = upload(alice, bob.id(), "", "a.txt", new byte[] {1}).message();
        delivery.clear(); // the upload's own event, which tells nobody
        AnnounceFileMessage limited = new AnnounceFileMessageService(storage.messages(), delivery, links,
                new LocalSendBudget(new SendRate(10, 2), time));
        limited.announce(announceCommand(alice, message.id()));
        limited.announce(announceCommand(alice, message.id()));

        assertThatThrownBy(() -> limited.announce(announceCommand(alice, message.id())))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.limit()).isEqualTo(RateLimited.Limit.SENDING);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100));
                });
        assertThat(delivery.delivered()).as("the refused announcement delivered nothing").hasSize(2);

        time.advance(Duration.ofMillis(100));
        limited.announce(announceCommand(alice, message.id()));
        assertThat(delivery.delivered()).hasSize(3);
    }

    @Test
    void the_content_type_is_detected_from_the_first_bytes_which_reach_the_store_with_the_rest() throws IOException {
        byte[] png = new byte[ContentTypes.FIRST_BYTES + 10_000];
        new Random(7).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 0, png, 0, 4);
        UploadAttachmentService large = new UploadAttachmentService(storage.users(), storage.threads(), writer, links, files,
                contentTypes, MessageRules.defaults(), png.length, time, SendBudget.unlimited(),
            markers);

        Message message = large.upload(new UploadAttachment.Command(alice.id(), bob.id(), "", "x.txt",
                new ByteArrayInputStream(png))).message();

        MessageContent.File file = (MessageContent.File) message.content();
        assertThat(file.attachment().contentType()).isEqualTo("image/png");
        assertThat(detected).singleElement().satisfies(
                firstBytes -> assertThat(firstBytes).isEqualTo(Arrays.copyOf(png, ContentTypes.FIRST_BYTES)));
        assertThat(detectedNames).containsExactly("x.txt");
        assertThat(file.attachment().sizeBytes()).isEqualTo(png.length);
        try (InputStream in = files.open(file.attachment().storageKey(), 0).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(png);
        }
    }

    @Test
    void a_file_shorter_than_the_detectors_window_is_detected_whole_and_its_stream_is_left_open() throws IOException {
        boolean[] closed = {false};
        InputStream content = new ByteArrayInputStream(new byte[] {1, 2, 3}) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        Message message = upload.upload(new UploadAttachment.Command(alice.id(), bob.id(), "", "a.bin", content))
                .message();

        assertThat(detected).singleElement().satisfies(firstBytes -> assertThat(firstBytes).containsExactly(1, 2, 3));
        assertThat(((MessageContent.File) message.content()).attachment().contentType())
                .isEqualTo("application/octet-stream");
        assertThat(closed[0]).as("the caller closes the upload's stream").isFalse();
    }

    @Test
    void a_shared_profile_is_stored_as_an_id_and_delivered_expanded() {
        Message shared = shared(new ShareProfile.Command(alice.id(), bob.id(), carol.id(), Optional.empty()));

        assertThat(shared.content()).isEqualTo(new MessageContent.ProfileShare(carol.id()));
        assertThat(delivery.single().attachedProfile()).contains(carol);
        assertThat(storage.messages().findById(shared.id())).contains(shared);
    }

    /** Contract §14: a share repeated with the same client_msg_id stores nothing and answers the original, expanded. */
    @Test
    void a_share_repeated_with_the_same_client_id_answers_the_original_with_its_profile_and_stores_nothing() {
        Optional<ClientMessageId> clientId = Optional.of(new ClientMessageId("share-1"));
        Sent first = sharing(new ShareProfile.Command(alice.id(), bob.id(), carol.id(), clientId));

        Sent again = sharing(new ShareProfile.Command(alice.id(), bob.id(), carol.id(), clientId));

        assertThat(again.repeat()).isTrue();
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(again.attachedProfile()).contains(carol);
        assertThat(delivery.delivered()).hasSize(1);
        assertThat(storage.messages().findInThread(first.message().threadId(), MessageRange.newest(), 10))
                .containsExactly(first.message());
    }

    @Test
    void sharing_an_unknown_profile_or_to_an_unknown_receiver_stores_nothing() {
        assertThatThrownBy(() -> share.share(new ShareProfile.Command(alice.id(), bob.id(), UserId.random(),
                Optional.empty()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> share.share(new ShareProfile.Command(alice.id(), UserId.random(), carol.id(),
                Optional.empty()))).isInstanceOf(UnknownUser.class);
        assertThat(delivery.delivered()).isEmpty();
        assertThat(storage.threads().findByParticipants(Participants.of(alice.id(), bob.id()))).isEmpty();
    }

    @Test
    void thread_files_are_the_file_messages_newest_first_for_participants_only() {
        Message first = upload(alice, bob.id(), "", "1.txt", new byte[] {1}).message();
        shared(new ShareProfile.Command(alice.id(), bob.id(), carol.id(), Optional.empty()));
        Message second = upload(bob, alice.id(), "", "2.txt", new byte[] {2}).message();

        ConversationPage page = listFiles.list(new ListThreadFiles.Query(alice.id(), first.threadId(),
                PageRequest.newest()));
        assertThat(page.messages()).containsExactly(second, first);
        assertThat(page.people()).containsKeys(alice.id(), bob.id());

        ConversationPage small = listFiles.list(new ListThreadFiles.Query(bob.id(), first.threadId(),
                new PageRequest(1, OptionalLong.empty(), OptionalLong.empty())));
        assertThat(small.messages()).containsExactly(second);
        assertThat(small.hasMore()).isTrue();
        assertThat(small.nextBefore()).contains(second.id());

        assertThatThrownBy(() -> listFiles.list(new ListThreadFiles.Query(carol.id(), first.threadId(),
                PageRequest.newest()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> listFiles.list(new ListThreadFiles.Query(alice.id(), new ThreadId(9999),
                PageRequest.newest()))).isInstanceOf(NotFound.class);
    }

    @Test
    void a_signed_link_opens_the_file_until_it_expires() throws IOException {
        Message message = upload(alice, bob.id(), "", "a.txt", new byte[] {7, 8, 9}).message();
        AttachmentLink link = links.linkFor(message).orElseThrow();
        String key = ((MessageContent.File) message.content()).attachment().storageKey();
        long expires = time.now().plus(Duration.ofHours(1)).getEpochSecond();
        assertThat(link).isEqualTo(new AttachmentLink(message.id(), key, expires,
                signer.sign("parley-media:" + message.id().value() + ":" + key + ":" + expires)));
        String signature = link.signature();

        DownloadAttachment.Download found = download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.of(expires), Optional.of(signature), Optional.empty()));
        assertThat(found.attachment().fileName()).isEqualTo("a.txt");
        try (InputStream in = found.content().openAt(1)) {
            assertThat(in.readAllBytes()).containsExactly(8, 9);
        }

        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.of(expires + 1), Optional.of(signature), Optional.empty()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.of(expires), Optional.of(signature + "x"), Optional.empty()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(message.id(), "other",
                Optional.of(expires), Optional.of(signature), Optional.empty()))).isInstanceOf(NotFound.class);

        time.advance(Duration.ofHours(1).plusSeconds(1));
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.of(expires), Optional.of(signature), Optional.empty()))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.of(expires), Optional.of(signature), Optional.of(carol.id())))).isInstanceOf(NotFound.class);
        assertThat(download.download(new DownloadAttachment.Query(message.id(), key,
                Optional.empty(), Optional.empty(), Optional.of(bob.id()))).attachment().sizeBytes()).isEqualTo(3);
    }

    @Test
    void messages_without_a_file_have_no_link() {
        Message shared = shared(new ShareProfile.Command(alice.id(), bob.id(), carol.id(), Optional.empty()));

        assertThat(links.linkFor(shared)).isEmpty();
        assertThat(storage.messages().findInThread(shared.threadId(), MessageRange.newest(), 10)).hasSize(1);
    }

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    private Message shared(ShareProfile.Command command) {
        return sharing(command).message();
    }

    private Sent sharing(ShareProfile.Command command) {
        return share.share(command).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    private UploadAttachment.Uploaded upload(User sender, UserId receiver, String caption, String name, byte[] bytes) {
        return upload.upload(new UploadAttachment.Command(sender.id(), receiver, caption, name,
                new ByteArrayInputStream(bytes)));
    }

    private static AnnounceFileMessage.Command announceCommand(User sender, MessageId id) {
        return new AnnounceFileMessage.Command(sender.id(), id, Optional.empty());
    }

}
