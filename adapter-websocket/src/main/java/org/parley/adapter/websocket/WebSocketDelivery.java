package org.parley.adapter.websocket;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.UserTyping;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventDelivery} to this node's websocket connections: each event is rendered once per audience (the
 * seed's frames, {@link EventFrames}) and queued, without waiting, to every open connection of each recipient in the
 * {@link ConnectionRegistry}. It asks nobody anything: an event carries everything its frames need. Events delivered
 * through a batch ({@link #openBatch()}, group commit's) are rendered alike, but each connection's frames of the batch
 * are written together once it is closed: one socket write per connection, in order, not one per frame.
 *
 * <p>A failure stays with its event or its connection, and {@link #deliver} never throws, so the thread delivering
 * (shared by every user) never stops: an event whose frame cannot be rendered is not delivered, is logged once, and
 * the user whose request raised it is told ({@code internal_error}); a connection whose write throws is closed on its
 * own ({@link LiveConnection}). A closed or slow connection never blocks or fails the others.
 *
 * <p>A cross-node bus wraps this delivery rather than replacing it: it implements {@link EventDelivery} too, publishes
 * every event, and hands each event it receives to the {@code WebSocketDelivery} of its node.
 */
public final class WebSocketDelivery implements EventDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketDelivery.class);
    private static final int AUDIENCES = Audience.values().length;
    private static final int RECEIVER = Audience.RECEIVER.ordinal();
    /** A batch's {@code HeldFrames} that held more connections than this is not kept for the next batch. */
    private static final int MOST_CONNECTIONS_KEPT = 4_096;
    /**
     * The longest a frame delivered alone waits for a closed batch's frames to be handed over ({@link #deliver}):
     * handing them over never waits for a socket, so this is reached only if the batch's writer needed something the
     * waiting thread holds; then the frame goes at once, as it did before batches.
     */
    private static final long MOST_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** What an event is called in a log line (never its content). */
    private static final OutboundEvent.Cases<String> DESCRIPTION = new OutboundEvent.Cases<>() {
        @Override
        public String messageStored(MessageStored event) {
            return "message " + event.message().id().value();
        }

        @Override
        public String messageSeen(MessageSeen event) {
            return "read marker of thread " + event.thread().value();
        }

        @Override
        public String messageEdited(MessageEdited event) {
            return "the edit of message " + event.message().id().value();
        }

        @Override
        public String messageDeleted(MessageDeleted event) {
            return "the deletion of message " + event.message().id().value();
        }

        @Override
        public String userTyping(UserTyping event) {
            return "typing of user " + event.sender();
        }

        @Override
        public String presenceChanged(PresenceChanged event) {
            return "presence of user " + event.user();
        }
    };

    /** The action of each event's frame, by audience ({@link ChatMetrics.FrameOut}): one visit, no allocation. */
    private static final OutboundEvent.Cases<ChatMetrics.FrameOut> RECEIVERS_FRAME = new OutboundEvent.Cases<>() {
        @Override
        public ChatMetrics.FrameOut messageStored(MessageStored event) {
            return ChatMetrics.FrameOut.RE_MESSAGE;
        }

        @Override
        public ChatMetrics.FrameOut messageSeen(MessageSeen event) {
            return ChatMetrics.FrameOut.SEEN_MESSAGE;
        }

        @Override
        public ChatMetrics.FrameOut messageEdited(MessageEdited event) {
            return ChatMetrics.FrameOut.MESSAGE_EDITED;
        }

        @Override
        public ChatMetrics.FrameOut messageDeleted(MessageDeleted event) {
            return ChatMetrics.FrameOut.MESSAGE_DELETED;
        }

        @Override
        public ChatMetrics.FrameOut userTyping(UserTyping event) {
            return ChatMetrics.FrameOut.TYPING;
        }

        @Override
        public ChatMetrics.FrameOut presenceChanged(PresenceChanged event) {
            return ChatMetrics.FrameOut.PRESENCE;
        }
    };

    private final ConnectionRegistry connections;
    /** The arrays a batch's frames to one connection are joined in ({@link HeldFrames}), used again once written. */
    private final JoinedBuffers joined = new JoinedBuffers();
    /** Frames held for a batch, emptied and kept for the next one (batches open one at a time, on one thread). */
    private final AtomicReference<HeldFrames> spare = new AtomicReference<>();
    /** Told (notifyAll) each time a closed batch's frames have all been handed to their connections. */
    private final Object batchWritten = new Object();
    /** The thread handing a closed batch's frames to their connections, or null. */
    private volatile Thread batchWriter;
    /** How many closed batches' frames have been handed over (written under {@link #batchWritten}). */
    private volatile long batchesWritten;
    private final FrameRenderer renderer;
    private final ChatMetrics metrics;
    /** Whether {@link #metrics} counts anything (without, not even a frame's action is worked out). */
    private final boolean counting;

    /**
     * @param connections who is connected to this node
     * @param mediaPaths  formats a signed attachment link as the path {@code attached_file} shows (the REST adapter's
     *                    route, handed over by bootstrap)
     */
    public WebSocketDelivery(ConnectionRegistry connections, Function<AttachmentLink, String> mediaPaths) {
        this(connections, new EventFrames(mediaPaths), ChatMetrics.none());
    }

    /**
     * As {@link #WebSocketDelivery(ConnectionRegistry, Function)}, telling {@code metrics} how many frames of each
     * action were handed to connections (one call per frame rendered, with the number of connections).
     */
    public WebSocketDelivery(ConnectionRegistry connections, Function<AttachmentLink, String> mediaPaths,
                             ChatMetrics metrics) {
        this(connections, new EventFrames(mediaPaths), metrics);
    }

    /** With another renderer than the seed's frames (tests). */
    WebSocketDelivery(ConnectionRegistry connections, FrameRenderer renderer) {
        this(connections, renderer, ChatMetrics.none());
    }

    WebSocketDelivery(ConnectionRegistry connections, FrameRenderer renderer, ChatMetrics metrics) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.counting = metrics != ChatMetrics.none();
    }

    /**
     * Renders the frame of {@code event} for each audience that has a connection here, once, and queues it to every
     * open connection of its recipients; a frame for the sender may be made from the receiver's
     * ({@link FrameRenderer#frame(OutboundEvent, Audience, OutgoingFrame)}). Never throws (see the class comment).
     *
     * <p>While a closed batch's frames are being handed to their connections ({@link #openBatch()}), it first waits
     * until they all are (at most {@link #MOST_WAIT_NANOS}; never on the thread handing them over): a client that got
     * its frames of the batch may answer at once (a sender edits or deletes the message its {@code conf_message}
     * confirmed; a receiver marks it seen), and that answer's frame, delivered alone, must not reach another
     * connection before that connection's frames of the batch, which may come later in the batch's writing. Written
     * event by event, a message's receivers were always written before its sender.
     */
    @Override
    public void deliver(OutboundEvent event) {
        awaitBatchWritten();
        deliver(event, LiveConnection::send);
    }

    /** Returns once no closed batch's frames are being handed over, but that begun before (or after the longest wait). */
    private void awaitBatchWritten() {
        long written = batchesWritten;
        Thread writer = batchWriter;
        if (writer == null || writer == Thread.currentThread()) {
            return;
        }
        long deadline = System.nanoTime() + MOST_WAIT_NANOS;
        boolean interrupted = false;
        synchronized (batchWritten) {
            while (batchesWritten == written) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(batchWritten, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A batch whose events are rendered and counted as {@link #deliver} renders them, as they are delivered to it, but
     * whose frames are held, each connection's in order, until {@link EventDelivery.Batch#close()}: then each
     * connection gets its frames of the batch in one write, one connection after the other
     * ({@link LiveConnection#send(List, OutboundEvent, JoinedBuffers)}: joined in an array used again once written).
     * A closed or slow connection so never holds up the others: its write is queued or refused as one frame's would
     * be. Used by the thread that opened it.
     */
    @Override
    public EventDelivery.Batch openBatch() {
        HeldFrames frames = spare.getAndSet(null);
        return new OpenBatch(frames == null ? new HeldFrames() : frames);
    }

    /** The arrays batches' frames are joined in (tests: how many are kept). */
    JoinedBuffers joinedArrays() {
        return joined;
    }

    /** Renders {@code event}'s frames and hands each to {@code sink} for each open connection of its recipients. */
    private void deliver(OutboundEvent event, Sink sink) {
        Objects.requireNonNull(event, "event");
        OutgoingFrame[] rendered = null;
        for (Delivery delivery : event.deliveries()) {
            Set<LiveConnection> recipients = connections.of(delivery.recipient());
            if (recipients.isEmpty()) {
                continue;
            }
            if (rendered == null) {
                rendered = new OutgoingFrame[AUDIENCES];
            }
            int audience = delivery.audience().ordinal();
            OutgoingFrame frame = rendered[audience];
            if (frame == null) {
                try {
                    frame = renderer.frame(event, delivery.audience(), rendered[RECEIVER]);
                } catch (Throwable failure) {
                    undeliverable(event, failure, sink);
                    return;
                }
                rendered[audience] = frame;
            }
            for (LiveConnection connection : recipients) {
                sink.send(connection, frame, event);
            }
            if (counting) {
                metrics.framesOut(frameOut(event, delivery.audience()), recipients.size());
            }
        }
    }

    /** The action of {@code event}'s frame for {@code audience}, as metrics count it. */
    private static ChatMetrics.FrameOut frameOut(OutboundEvent event, Audience audience) {
        ChatMetrics.FrameOut receivers = event.accept(RECEIVERS_FRAME);
        return receivers == ChatMetrics.FrameOut.RE_MESSAGE && audience == Audience.SENDER
                ? ChatMetrics.FrameOut.CONF_MESSAGE : receivers;
    }

    /** {@code event} as a log line names it: its kind and id, never its content. Never throws. */
    static String describe(OutboundEvent event) {
        try {
            return event.accept(DESCRIPTION);
        } catch (Throwable indescribable) {
            return "an event";
        }
    }

    private void undeliverable(OutboundEvent event, Throwable failure, Sink sink) {
        try {
            event.accept(new Undeliverable(failure, sink));
        } catch (Throwable reportingFailed) {
            LOG.error("An event could not be delivered, nor its failure reported: {}", Failures.describe(failure));
        }
    }

    /** What happens, per kind of event, to one whose frame cannot be rendered. */
    private final class Undeliverable implements OutboundEvent.Cases<Void> {

        private final Throwable failure;
        private final Sink sink;

        Undeliverable(Throwable failure, Sink sink) {
            this.failure = failure;
            this.sink = sink;
        }

        /** The message stays stored (clients catching up with {@code after=} get it over REST); its sender is told. */
        @Override
        public Void messageStored(MessageStored event) {
            Message message = event.message();
            LOG.error("Message {} of user {} was stored but cannot be delivered: its frame could not be rendered: {}",
                    message.id().value(), message.sender(), Failures.describe(failure));
            Set<LiveConnection> senders = connections.of(message.sender());
            if (senders.isEmpty()) {
                return null;
            }
            String error;
            try {
                error = undeliverableFrame(event);
            } catch (Throwable noErrorFrameEither) {
                return null;
            }
            OutgoingFrame frame = OutgoingFrame.of(error);
            for (LiveConnection connection : senders) {
                sink.send(connection, frame, event);
            }
            return null;
        }

        /** Only a frame of ids and a time could fail here: logged, nothing else (the marker is stored). */
        @Override
        public Void messageSeen(MessageSeen event) {
            LOG.error("The read marker of user {} in thread {} was stored but cannot be delivered: {}", event.reader(),
                    event.thread().value(), Failures.describe(failure));
            return null;
        }

        @Override
        public Void messageEdited(MessageEdited event) {
            undeliverableChange(event.message(), InboundFrames.EDIT_MESSAGE, event.clientMessageId(), event, failure,
                    sink);
            return null;
        }

        @Override
        public Void messageDeleted(MessageDeleted event) {
            undeliverableChange(event.message(), InboundFrames.DELETE_MESSAGE, event.clientMessageId(), event,
                    failure, sink);
            return null;
        }

        @Override
        public Void userTyping(UserTyping event) {
            return unasked(event);
        }

        @Override
        public Void presenceChanged(PresenceChanged event) {
            return unasked(event);
        }

        /** Typing and presence: nothing was stored and nobody asked, so it is logged, not answered. */
        private Void unasked(OutboundEvent event) {
            LOG.error("The {} cannot be delivered: its frame could not be rendered: {}", describe(event),
                    Failures.describe(failure));
            return null;
        }
    }

    /**
     * The change is stored (history shows it), but its frame cannot be rendered: logged once, and the connections of
     * the sender, whose request it answers, get {@code internal_error} naming the message.
     */
    private void undeliverableChange(Message message, String action, Optional<ClientMessageId> clientMessageId,
                                     OutboundEvent event, Throwable failure, Sink sink) {
        LOG.error("The {} of message {} by user {} was stored but cannot be delivered: {}", action,
                message.id().value(), message.sender(), Failures.describe(failure));
        Set<LiveConnection> senders = connections.of(message.sender());
        if (senders.isEmpty()) {
            return;
        }
        String error = Frames.error(ErrorCode.INTERNAL_ERROR, "The change of message " + message.id().value()
                + " was stored but cannot be delivered", action, clientMessageId);
        OutgoingFrame frame = OutgoingFrame.of(error);
        for (LiveConnection connection : senders) {
            sink.send(connection, frame, event);
        }
    }

    /** Where an event's frames go: to each connection at once ({@link #deliver}), or held by a batch. */
    @FunctionalInterface
    private interface Sink {

        /** {@code frame}, which tells of {@code event}, for {@code connection}; never throws. */
        void send(LiveConnection connection, OutgoingFrame frame, OutboundEvent event);
    }

    /** One batch, open until closed, over frames held for it ({@link HeldFrames}, kept for the next batch). */
    private final class OpenBatch implements EventDelivery.Batch {

        private HeldFrames frames;

        OpenBatch(HeldFrames frames) {
            this.frames = frames;
        }

        /** Through the batch while it is open; once closed, at once ({@link WebSocketDelivery#deliver}). */
        @Override
        public void deliver(OutboundEvent event) {
            HeldFrames held = frames;
            if (held == null) {
                WebSocketDelivery.this.deliver(event);
            } else {
                WebSocketDelivery.this.deliver(event, held);
            }
        }

        @Override
        public void close() {
            HeldFrames held = frames;
            if (held == null) {
                return;
            }
            frames = null;
            batchWriter = Thread.currentThread();
            try {
                held.sendAll();
            } finally {
                batchWriter = null;
                synchronized (batchWritten) {
                    batchesWritten = batchesWritten + 1;
                    batchWritten.notifyAll();
                }
                if (held.forget()) {
                    spare.set(held);
                }
            }
        }
    }

    /**
     * The frames of one open batch's events, held by connection in the order each connection was first given one.
     * Kept for the next batch once emptied ({@link #spare}), with its map and its {@link Held}s, so that holding a
     * batch's frames allocates nothing once as many connections were held before.
     */
    private final class HeldFrames implements Sink {

        private final Map<LiveConnection, Held> byConnection = new IdentityHashMap<>();
        /** The first {@link #used} are in use, in the order their connections were first given a frame. */
        private final List<Held> held = new ArrayList<>();
        private int used;

        @Override
        public void send(LiveConnection connection, OutgoingFrame frame, OutboundEvent event) {
            Held frames = byConnection.get(connection);
            if (frames == null) {
                if (used == held.size()) {
                    held.add(new Held());
                }
                frames = held.get(used++);
                frames.start(connection, frame, event);
                byConnection.put(connection, frames);
            } else {
                frames.add(frame);
            }
        }

        /** Hands each connection its frames, one connection after the other; never throws. */
        void sendAll() {
            for (int i = 0; i < used; i++) {
                Held frames = held.get(i);
                try {
                    frames.send(joined);
                } catch (Throwable failure) {
                    // Not expected (a connection's writes never throw); the other connections get their frames.
                    try {
                        LOG.error("The frames of a batch could not be handed to a connection of user {}: {}",
                                frames.connection.user(), Failures.describe(failure));
                    } catch (Throwable ignored) {
                        // Logging is all that failed.
                    }
                }
            }
        }

        /**
         * Lets go of every connection, frame and event held; ready for the next batch.
         *
         * @return whether to keep it for the next batch: not when it held more than {@value #MOST_CONNECTIONS_KEPT}
         *         connections (its map would stay that large)
         */
        boolean forget() {
            for (int i = 0; i < used; i++) {
                held.get(i).forget();
            }
            byConnection.clear();
            boolean keep = used <= MOST_CONNECTIONS_KEPT;
            used = 0;
            return keep;
        }
    }

    /** One connection's frames of a batch, in order, and the first event they tell of (for a log line). */
    private static final class Held {

        private final List<OutgoingFrame> frames = new ArrayList<>();
        private LiveConnection connection;
        private OutgoingFrame first;
        private OutboundEvent event;

        void start(LiveConnection connection, OutgoingFrame frame, OutboundEvent event) {
            this.connection = connection;
            this.first = frame;
            this.event = event;
        }

        void add(OutgoingFrame frame) {
            if (frames.isEmpty()) {
                frames.add(first);
            }
            frames.add(frame);
        }

        /** Never throws ({@link LiveConnection}'s writes do not). */
        void send(JoinedBuffers arrays) {
            if (frames.isEmpty()) {
                connection.send(first, event);
            } else {
                connection.send(frames, event, arrays);
            }
        }

        void forget() {
            frames.clear();
            connection = null;
            first = null;
            event = null;
        }
    }

    /**
     * The {@code internal_error} frame answering the request that stored an undeliverable message, with its
     * {@code client_msg_id}.
     */
    private static String undeliverableFrame(MessageStored event) {
        Message message = event.message();
        String action = switch (message.type()) {
            case TEXT -> InboundFrames.TEXT_MESSAGE;
            case FILE -> InboundFrames.FILE_MESSAGE;
            case USER_PROFILE -> InboundFrames.USER_PROFILE_MESSAGE;
        };
        return Frames.error(ErrorCode.INTERNAL_ERROR,
                "Message " + message.id().value() + " was stored but cannot be delivered", action,
                event.clientMessageId());
    }
}
