package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.parley.adapter.websocket.container.RecordingSocket;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.UserId;

/**
 * Issue 16: the frames a connection gets of one delivered batch ({@link EventDelivery#openBatch()}) leave in one write
 * to its socket, in order; batches keep their order; a closed, failing or slow connection in a batch stops no other;
 * the bound on pending bytes holds for joined frames. Writes are counted at the writer Grizzly gives Tyrus
 * ({@link RecordingSocket}), below {@code FrameWriter}.
 */
class BatchedWritesTest {

    private static final long BOUND = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final WebSocketDelivery delivery = new WebSocketDelivery(connections, TestServer.SEED_FRAMES);
    private long nextId = 1;

    @Test
    void theFramesOfOneBatchToOneConnectionLeaveInOneWriteInOrder() {
        RecordingSocket bobs = connect(bob, BOUND);
        RecordingSocket alices = connect(alice, BOUND);

        deliverInOneBatch("one", "two", "three");

        assertThat(bobs.writes()).hasSize(1);
        assertThat(frames(bobs.writes().get(0))).extracting(BatchedWritesTest::actionAndText).containsExactly(
                "re_message one", "re_message two", "re_message three");
        assertThat(alices.writes()).hasSize(1);
        assertThat(frames(alices.writes().get(0))).extracting(BatchedWritesTest::actionAndText).containsExactly(
                "conf_message one", "conf_message two", "conf_message three");
    }

    @Test
    void eachOfAUsersConnectionsGetsItsOwnWriteOfTheWholeBatch() {
        RecordingSocket phone = connect(bob, BOUND);
        RecordingSocket laptop = connect(bob, BOUND);

        deliverInOneBatch("one", "two");

        for (RecordingSocket socket : List.of(phone, laptop)) {
            assertThat(socket.writes()).singleElement().satisfies(write -> assertThat(frames(write))
                    .extracting(BatchedWritesTest::actionAndText).containsExactly("re_message one", "re_message two"));
        }
    }

    @Test
    void batchesKeepTheirOrderOneWriteEach() {
        RecordingSocket bobs = connect(bob, BOUND);

        deliverInOneBatch("1", "2");
        deliverInOneBatch("3");
        deliverInOneBatch("4", "5", "6");

        assertThat(bobs.writes()).hasSize(3);
        List<String> all = new ArrayList<>();
        bobs.writes().forEach(write -> frames(write).forEach(frame -> all.add(actionAndText(frame))));
        assertThat(all).containsExactly("re_message 1", "re_message 2", "re_message 3", "re_message 4",
                "re_message 5", "re_message 6");
        assertThat(frames(bobs.writes().get(1))).hasSize(1);
    }

    @Test
    void nothingLeavesBeforeTheBatchIsClosedAndDeliveringAloneStillWritesEachFrame() {
        RecordingSocket bobs = connect(bob, BOUND);

        EventDelivery.Batch batch = delivery.openBatch();
        batch.deliver(stored("held"));
        assertThat(bobs.writes()).isEmpty();
        batch.close();
        assertThat(bobs.writes()).hasSize(1);

        delivery.deliver(stored("alone 1"));
        delivery.deliver(stored("alone 2"));
        assertThat(bobs.writes()).hasSize(3);
    }

    @Test
    void aClosedAFailingAndASlowConnectionInABatchStopNoOther() {
        FakeSession closedSession = new FakeSession();
        RecordingSocket closed = connect(bob, BOUND, closedSession);
        closedSession.open = false;
        FakeSession failingSession = new FakeSession();
        RecordingSocket failing = connect(bob, BOUND, failingSession);
        failing.refuseWith = new IllegalStateException("Connection is not open.");
        FakeSession slowSession = new FakeSession();
        RecordingSocket slow = connect(bob, 100, slowSession);
        slow.holdWrites = true;
        RecordingSocket fine = connect(bob, BOUND);
        RecordingSocket alices = connect(alice, BOUND);

        deliverInOneBatch("a text long enough that three of its frames exceed the slow client's bound", "two",
                "three");

        assertThat(closed.writes()).isEmpty();
        assertThat(failing.writes()).isEmpty();
        assertThat(failingSession.closeCodes()).containsExactly(1011);
        assertThat(slow.writes()).isEmpty();
        assertThat(slowSession.closeCodes()).containsExactly(4008);
        assertThat(fine.writes()).singleElement().satisfies(write -> assertThat(frames(write)).hasSize(3));
        assertThat(alices.writes()).singleElement().satisfies(write -> assertThat(frames(write)).hasSize(3));
    }

    /**
     * The pending bytes of joined frames are their payloads together: counted when queued, released when the write
     * completes; a batch that would take them above the bound queues the frames that fit (joined), as writing them one
     * by one would, and closes the connection with 4008 at the first that does not; nothing is written after.
     */
    @Test
    void theBoundOnPendingBytesHoldsForJoinedFrames() {
        FakeSession session = new FakeSession();
        RecordingSocket socket = new RecordingSocket();
        socket.holdWrites = true;
        LiveConnection connection = new LiveConnection(bob, session.session, 0, 1_000, () -> { }, ChatMetrics.none(),
                socket.frames());
        connections.add(connection);

        deliverInOneBatch("one", "two");
        List<byte[]> frames = frames(socket.writes().get(0));
        long payloads = frames.stream().mapToLong(frame -> payload(frame).length).sum();
        assertThat(connection.pendingBytes()).isEqualTo(payloads);

        socket.completeAll();
        assertThat(connection.pendingBytes()).isZero();

        deliverInOneBatch("six", "ten");
        assertThat(connection.pendingBytes()).isEqualTo(payloads);
        List<String> manyTexts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            manyTexts.add("more " + i);
        }
        deliverInOneBatch(manyTexts.toArray(String[]::new));

        assertThat(session.closeCodes()).containsExactly(4008);
        assertThat(socket.writes()).hasSize(3);
        List<byte[]> fitted = frames(socket.writes().get(2));
        assertThat(fitted).extracting(BatchedWritesTest::actionAndText).containsExactly("re_message more 0",
                "re_message more 1");
        long fittedPayloads = fitted.stream().mapToLong(frame -> payload(frame).length).sum();
        assertThat(payloads + fittedPayloads).isLessThanOrEqualTo(1_000);
        assertThat(connection.pendingBytes()).isEqualTo(payloads + fittedPayloads);
        deliverInOneBatch("after the close");
        assertThat(socket.writes()).hasSize(3);
    }

    /**
     * Joining never closes a connection that the same frames, written one by one, would not: with a few KB still
     * pending (a write the socket has not taken yet) and the bound at its smallest setting (64 KiB), a batch of three
     * 20 KB frames, each of which fits and is written at once, is not refused as one 60 KB write would be.
     */
    @Test
    void framesThatFitOneByOneAreNotRefusedForBeingJoined() {
        FakeSession session = new FakeSession();
        RecordingSocket socket = new RecordingSocket();
        LiveConnection connection = new LiveConnection(bob, session.session, 0, 64 * 1024, () -> { },
                ChatMetrics.none(), socket.frames());
        connections.add(connection);
        socket.holdWrites = true;
        deliverInOneBatch("p".repeat(8_000));
        socket.holdWrites = false;
        long pending = connection.pendingBytes();
        assertThat(pending).isGreaterThan(8_000);

        deliverInOneBatch("a" + "y".repeat(20_000), "b" + "y".repeat(20_000), "c" + "y".repeat(20_000));

        assertThat(session.closeCodes()).isEmpty();
        assertThat(connection.pendingBytes()).isEqualTo(pending);
        List<String> all = new ArrayList<>();
        socket.writes().forEach(write -> frames(write).forEach(frame ->
                all.add(actionAndText(frame).substring(0, 12))));
        assertThat(all).containsExactly("re_message p", "re_message a", "re_message b", "re_message c");
    }

    @Test
    void aConnectionsFramesOfALargeBatchAreJoinedUpToTheMostBytesPerWrite() {
        RecordingSocket bobs = connect(bob, 16L << 20);
        String text = "x".repeat(4_000);
        String[] texts = new String[40];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = text + i;
        }

        deliverInOneBatch(texts);

        List<byte[]> writes = bobs.writes();
        assertThat(writes).hasSizeGreaterThan(1).allSatisfy(write ->
                assertThat(write.length).isLessThanOrEqualTo(LiveConnection.MOST_BYTES_JOINED));
        List<String> all = new ArrayList<>();
        writes.forEach(write -> frames(write).forEach(frame -> all.add(actionAndText(frame))));
        assertThat(all).hasSize(40).last().isEqualTo("re_message " + text + "39");
    }

    /**
     * A frame delivered alone while a closed batch's frames are being written goes out after them: a sender who answers
     * its {@code conf_message} at once (here: edits the message, on another thread, as its request would be) has its
     * edit reach the receiver after the receiver's {@code re_message}, as when each event was written on its own
     * (receivers before the sender). Alice's connection is written before Bob's here: it got a frame of the batch
     * first.
     */
    @Test
    void aFrameDeliveredAloneWhileABatchIsWrittenFollowsTheBatchsFrames() throws Exception {
        UserId carol = UserId.random();
        connect(carol, BOUND);
        RecordingSocket alices = connect(alice, BOUND);
        RecordingSocket bobs = connect(bob, BOUND);
        MessageStored toCarol = StoredTexts.stored(1, alice, carol, "one");
        MessageStored toBob = StoredTexts.stored(2, alice, bob, "two");
        Instant later = Instant.parse("2025-03-14T10:37:00Z");
        Message edited = new Message(toBob.message().id(), toBob.message().threadId(), alice, bob,
                new MessageContent.Text("two, edited"), toBob.message().createdAt(), later, true);
        AtomicReference<Thread> answering = new AtomicReference<>();
        alices.afterWrite = () -> {
            if (answering.get() != null) {
                return;
            }
            Thread thread = new Thread(() -> delivery.deliver(new MessageEdited(edited,
                    List.of(new Delivery(bob, Audience.RECEIVER)), Optional.empty())), "alice's edit");
            answering.set(thread);
            thread.start();
            try {
                thread.join(50); // as long as it takes, or 50 ms: the batch's writing goes on after that
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        EventDelivery.Batch batch = delivery.openBatch();
        batch.deliver(toCarol);
        batch.deliver(toBob);
        batch.close();
        answering.get().join(10_000);

        List<String> bobGot = new ArrayList<>();
        bobs.writes().forEach(write -> frames(write).forEach(frame -> bobGot.add(actionAndText(frame))));
        assertThat(bobGot).hasSize(2).first().isEqualTo("re_message two");
        assertThat(bobGot.get(1)).endsWith("two, edited");
    }

    private void deliverInOneBatch(String... texts) {
        EventDelivery.Batch batch = delivery.openBatch();
        for (String text : texts) {
            batch.deliver(stored(text));
        }
        batch.close();
    }

    private RecordingSocket connect(UserId user, long bound) {
        return connect(user, bound, new FakeSession());
    }

    private RecordingSocket connect(UserId user, long bound, FakeSession session) {
        RecordingSocket socket = new RecordingSocket();
        connections.add(new LiveConnection(user, session.session, 0, bound, () -> { }, ChatMetrics.none(),
                socket.frames()));
        return socket;
    }

    private MessageStored stored(String text) {
        return StoredTexts.stored(nextId++, alice, bob, text);
    }

    /** The whole text frames one write holds, each checked to be final, unmasked and text (RFC 6455 §5.2). */
    private static List<byte[]> frames(byte[] write) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at < write.length) {
            assertThat(write[at]).as("FIN and text").isEqualTo((byte) 0x81);
            int code = write[at + 1] & 0xFF;
            assertThat(code & 0x80).as("unmasked").isZero();
            int header = code <= 125 ? 2 : code == 126 ? 4 : 10;
            long length = code <= 125 ? code : 0;
            for (int i = 2; i < header; i++) {
                length = (length << 8) | (write[at + i] & 0xFF);
            }
            int end = at + header + (int) length;
            assertThat(end).isLessThanOrEqualTo(write.length);
            byte[] frame = new byte[end - at];
            System.arraycopy(write, at, frame, 0, frame.length);
            frames.add(frame);
            at = end;
        }
        return frames;
    }

    private static byte[] payload(byte[] frame) {
        int code = frame[1] & 0x7F;
        int header = code <= 125 ? 2 : code == 126 ? 4 : 10;
        byte[] payload = new byte[frame.length - header];
        System.arraycopy(frame, header, payload, 0, payload.length);
        return payload;
    }

    /** A frame's action and text, read as JSON. */
    private static String actionAndText(byte[] frame) {
        try {
            JsonNode json = JSON.readTree(payload(frame));
            return json.get("action").asText() + " " + json.get("message").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + new String(payload(frame), StandardCharsets.UTF_8), e);
        }
    }
}
