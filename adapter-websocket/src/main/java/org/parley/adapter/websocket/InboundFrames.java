package org.parley.adapter.websocket;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.parley.application.error.Unavailable;
import org.parley.application.error.UseCaseFailure;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.in.SendTyping;
import org.parley.application.port.in.ShareProfile;
import org.parley.application.port.out.ChatMetrics;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one client text frame into a use-case call, and every failure into an error frame on the same connection,
 * which stays open: use-case failures and broken domain rules as {@link FrameRefusals} answers each kind, frames the
 * adapter refuses itself ({@link InvalidFrame}) as {@code validation_error}, anything else as {@code internal_error}.
 * Successful sends answer through {@link WebSocketDelivery} ({@code conf_message}), not here.
 *
 * <p>The frame rules (contract §8, §10), checked in this order, each before anything of the frame is acted on:
 * <ol>
 *   <li>the frame is exactly one JSON object, with nothing after it: otherwise {@code invalid_json};</li>
 *   <li>{@code client_msg_id}, when present and not null, is a string of 1–64 characters: otherwise
 *       {@code validation_error} (then not echoed);</li>
 *   <li>every string value and field name in it is valid Unicode and holds no NUL ({@link FrameText}): otherwise
 *       {@code validation_error};</li>
 *   <li>{@code action} is a string Parley knows: otherwise {@code unknown_action};</li>
 *   <li>each field the action needs is present and a string ({@code chat_id}: a positive number, or a string holding
 *       one), and a user id field holds a canonical UUID: otherwise {@code validation_error}. {@code invalid_receiver}
 *       is left for a well-formed receiver id that names no active user, {@code not_found} for an unknown profile or
 *       file message.</li>
 * </ol>
 * Every error frame names the frame's {@code action} as {@code request_action} when it is a string of acceptable text
 * (valid Unicode without NUL), and echoes a valid {@code client_msg_id}.
 *
 * <p>Sending does not wait for storage: the use case checks the frame at once (those refusals are answered at once)
 * and stores the message in the background with group commit; when that storing fails, the error frame follows later.
 *
 * <p>Graceful stop: frames received and not yet answered are counted ({@link #unanswered()}); after
 * {@link #refuseNewFrames()} every frame that passes the first checks (JSON, {@code client_msg_id}, text, action) is
 * answered with {@code unavailable} and not acted on.
 */
final class InboundFrames {

    static final String TEXT_MESSAGE = "text_message";
    static final String FILE_MESSAGE = "file_message";
    static final String USER_PROFILE_MESSAGE = "user_profile_message";
    static final String SEEN = "seen";
    static final String EDIT_MESSAGE = "edit_message";
    static final String DELETE_MESSAGE = "delete_message";
    static final String TYPING = "typing";

    private static final Logger LOG = LoggerFactory.getLogger(InboundFrames.class);

    /** What a frame received while the server stops is answered with (then nothing of it is acted on). */
    static final String STOPPING = "The server is stopping; send it again on a new connection";
    private static final long STOPPING_RETRY_AFTER_MILLIS = 1_000;

    private final SendTextMessage sendText;
    private final AnnounceFileMessage announceFile;
    private final ShareProfile shareProfile;
    private final MarkSeen markSeen;
    private final MessageChanges changes;
    private final SendTyping sendTyping;
    private final ChatMetrics metrics;
    /** Frames received and not yet answered (an error frame sent, or their message's storing completed). */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final LongSupplier nanoClock;
    /** Reads each frame's JSON, once per frame ({@link ClientFrame}). */
    private final ClientFrame.Reader reader;
    private volatile long lastFrameNanos;
    private volatile boolean refusing;

    InboundFrames(WebSocketUseCases useCases) {
        this(useCases, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds: when frames arrive (see {@link #nanosSinceLastFrame()}) */
    InboundFrames(WebSocketUseCases useCases, LongSupplier nanoClock) {
        this(useCases, nanoClock, ChatMetrics.none());
    }

    /** @param metrics told of every frame, by its action ({@link ChatMetrics.FrameIn}) */
    InboundFrames(WebSocketUseCases useCases, LongSupplier nanoClock, ChatMetrics metrics) {
        this(useCases, nanoClock, metrics, Json.MAPPER::readTree);
    }

    /** @param reader reads a frame's JSON ({@code Json.MAPPER::readTree}; tests count its calls) */
    InboundFrames(WebSocketUseCases useCases, LongSupplier nanoClock, ChatMetrics metrics, ClientFrame.Reader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.metrics = metrics;
        this.sendText = useCases.sendText();
        this.announceFile = useCases.announceFile();
        this.shareProfile = useCases.shareProfile();
        this.markSeen = useCases.markSeen();
        this.changes = new MessageChanges(useCases.editMessage(), useCases.deleteMessage());
        this.sendTyping = useCases.sendTyping();
        this.nanoClock = nanoClock;
        this.lastFrameNanos = nanoClock.getAsLong();
    }

    /**
     * Handles a text frame of {@code sender}; error frames, now or once storing failed, go to {@code reply}. The frame
     * counts as {@linkplain #unanswered() unanswered} until its answer has been handed to {@code reply}, or, for a
     * message, until storing it has completed (its {@code conf_message} is then on its way, or its error frame sent).
     * A frame {@link #handleFromMemory} declined comes here as it is: its JSON, already read there, is not read again.
     */
    void handle(UserId sender, ClientFrame text, Consumer<String> reply) {
        unanswered.incrementAndGet();
        lastFrameNanos = nanoClock.getAsLong();
        AnsweredLater later = new AnsweredLater(unanswered);
        try {
            dispatch(sender, text, reply, later).ifPresent(reply);
        } finally {
            if (!later.taken) {
                unanswered.decrementAndGet();
            }
        }
    }

    /**
     * Handles a text frame of {@code sender} as {@link #handle} does, only when it is a well-formed
     * {@code text_message} whose send is answerable from memory ({@link SendTextMessage#sendFromMemory}): true when
     * so handled (sent, or refused by the use case as {@link #handle} would: a spent send rate, text the rules refuse).
     * False when it is anything else (another action, a malformed frame, a receiver or thread not in memory, a budget
     * shared through Redis, a full storage queue, the server stopping): then nothing of it was counted (it counts as
     * unanswered only while it is looked at, from before the stopping check), taken or answered, and it must go to
     * {@link #handle}, as it is. Never waits for storage, another node or a full queue, so a network thread that serves
     * many connections may call it.
     */
    boolean handleFromMemory(UserId sender, ClientFrame text, Consumer<String> reply) {
        // Any other action (or one spelt with escapes) is not read here: it goes to handle() at once.
        if (!text.text().contains(TEXT_MESSAGE)) {
            return false;
        }
        // Counted before refusing is read, as handle() does: a drain that begins meanwhile waits for this frame.
        unanswered.incrementAndGet();
        lastFrameNanos = nanoClock.getAsLong();
        AnsweredLater later = new AnsweredLater(unanswered);
        try {
            return !refusing && handleFromMemory(sender, text, reply, later);
        } finally {
            if (!later.taken) {
                unanswered.decrementAndGet();
            }
        }
    }

    /** {@link #handleFromMemory(UserId, ClientFrame, Consumer)} once counted: {@code later} taken when answered later. */
    private boolean handleFromMemory(UserId sender, ClientFrame text, Consumer<String> reply, AnsweredLater later) {
        JsonNode frame;
        try {
            frame = text.tree(reader);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (frame == null || !frame.isObject()) {
            return false;
        }
        JsonNode action = frame.get("action");
        JsonNode body = frame.get("message_body");
        JsonNode receiverNode = frame.get("receiver_id");
        if (action == null || !TEXT_MESSAGE.equals(action.textValue()) || body == null || !body.isTextual()
                || receiverNode == null || !receiverNode.isTextual() || FrameText.firstRefused(frame).isPresent()) {
            return false;
        }
        Optional<ClientMessageId> clientMessageId;
        UserId receiver;
        try {
            clientMessageId = clientMessageId(frame);
            receiver = UserId.parse(receiverNode.textValue());
        } catch (InvalidFrame | DomainRuleViolation e) {
            return false;
        }
        SendTextMessage.Command command = new SendTextMessage.Command(sender, receiver, body.textValue(),
                clientMessageId);
        Optional<CompletionStage<Sent>> stored;
        Optional<String> refusal;
        try {
            stored = sendText.sendFromMemory(command);
            refusal = Optional.empty();
        } catch (UseCaseFailure e) {
            stored = Optional.empty();
            refusal = refused(e.accept(FrameRefusals.INSTANCE), TEXT_MESSAGE, clientMessageId);
        } catch (DomainRuleViolation e) {
            stored = Optional.empty();
            refusal = refused(FrameRefusals.INSTANCE.domainRuleBroken(e), TEXT_MESSAGE, clientMessageId);
        } catch (RuntimeException e) {
            // Whatever it was, handle() meets it again and answers it as it answers every frame.
            return false;
        } catch (Throwable e) {
            // An Error (or an undeclared checked exception) is answered here as handle() answers it, not thrown to
            // Tyrus (which would close the connection); what it may have taken is not taken again by handle().
            LOG.error("Handling a {} frame of user {} failed", TEXT_MESSAGE, sender, e);
            stored = Optional.empty();
            refusal = error(ErrorCode.INTERNAL_ERROR, "Something went wrong on the server", TEXT_MESSAGE,
                    clientMessageId);
        }
        if (stored.isEmpty() && refusal.isEmpty()) {
            return false;
        }
        metrics.frameIn(ChatMetrics.FrameIn.TEXT_MESSAGE);
        if (refusal.isPresent()) {
            reply.accept(refusal.get());
            return true;
        }
        later.take();
        answerLater(stored.get(), sender, TEXT_MESSAGE, clientMessageId, reply, later);
        return true;
    }

    /**
     * From now on every frame is answered with {@code unavailable} ({@link #STOPPING}, {@code retry_after_ms}) and
     * nothing of it is acted on (a graceful stop). Frames already being handled are answered as usual.
     */
    void refuseNewFrames() {
        refusing = true;
    }

    /** Frames received and not yet answered. */
    int unanswered() {
        return unanswered.get();
    }

    /** How long ago the last frame arrived (or these frames were created). */
    long nanosSinceLastFrame() {
        return nanoClock.getAsLong() - lastFrameNanos;
    }

    /** Returns the error frame to answer with at once, if any. */
    private Optional<String> dispatch(UserId sender, ClientFrame text, Consumer<String> reply, AnsweredLater later) {
        JsonNode frame;
        try {
            frame = text.tree(reader);
        } catch (JsonProcessingException e) {
            metrics.frameIn(ChatMetrics.FrameIn.OTHER);
            if (FrameText.isUnpairedSurrogateRefusal(e)) {
                return error(ErrorCode.VALIDATION_ERROR, "A field name" + FrameText.NOT_UNICODE, null, Optional.empty());
            }
            return error(ErrorCode.INVALID_JSON, "The frame must be one JSON object, with nothing after it", null,
                    Optional.empty());
        }
        if (frame == null || !frame.isObject()) {
            metrics.frameIn(ChatMetrics.FrameIn.OTHER);
            return error(ErrorCode.INVALID_JSON, "The frame must be a JSON object", null, Optional.empty());
        }
        JsonNode actionNode = frame.get("action");
        // Refused text is never echoed (contract §10): such an action is answered as no action.
        String action = actionNode != null && actionNode.isTextual() && FrameText.firstRefused(actionNode).isEmpty()
                ? actionNode.textValue() : null;
        metrics.frameIn(kindOf(action));
        Optional<ClientMessageId> clientMessageId;
        try {
            clientMessageId = clientMessageId(frame);
        } catch (InvalidFrame | DomainRuleViolation e) {
            return error(ErrorCode.VALIDATION_ERROR, e.getMessage(), action, Optional.empty());
        }
        Optional<String> refusedText = FrameText.firstRefused(frame);
        if (refusedText.isPresent()) {
            return error(ErrorCode.VALIDATION_ERROR, refusedText.get(), action, clientMessageId);
        }
        if (action == null) {
            return error(ErrorCode.UNKNOWN_ACTION, "The frame has no action", null, clientMessageId);
        }
        if (refusing) {
            return Optional.of(Frames.error(ErrorCode.UNAVAILABLE, STOPPING, action, clientMessageId,
                    OptionalLong.of(STOPPING_RETRY_AFTER_MILLIS)));
        }
        try {
            if (TEXT_MESSAGE.equals(action)) {
                return sendText(sender, frame, clientMessageId, reply, later);
            }
            if (FILE_MESSAGE.equals(action)) {
                return announceFile(sender, frame, clientMessageId);
            }
            if (USER_PROFILE_MESSAGE.equals(action)) {
                return shareProfile(sender, frame, clientMessageId, reply, later);
            }
            if (SEEN.equals(action)) {
                return markSeen(sender, frame, clientMessageId);
            }
            if (EDIT_MESSAGE.equals(action)) {
                changes.edit(sender, requiredMessageId(frame, "message_id"), requiredText(frame, "message_body"),
                        clientMessageId);
                return Optional.empty();
            }
            if (DELETE_MESSAGE.equals(action)) {
                changes.delete(sender, requiredMessageId(frame, "message_id"), clientMessageId);
                return Optional.empty();
            }
            if (TYPING.equals(action)) {
                return typing(sender, frame);
            }
            return error(ErrorCode.UNKNOWN_ACTION, "Unknown action", action, clientMessageId);
        } catch (InvalidFrame e) {
            return error(ErrorCode.VALIDATION_ERROR, e.getMessage(), action, clientMessageId);
        } catch (UseCaseFailure e) {
            return refused(e.accept(FrameRefusals.INSTANCE), action, clientMessageId);
        } catch (DomainRuleViolation e) {
            return refused(FrameRefusals.INSTANCE.domainRuleBroken(e), action, clientMessageId);
        } catch (Throwable e) {
            // Anything, Errors included: the frame still gets its answer and the connection stays open (§8).
            LOG.error("Handling a {} frame of user {} failed", action, sender, e);
            return error(ErrorCode.INTERNAL_ERROR, "Something went wrong on the server", action, clientMessageId);
        }
    }

    /** A frame's action as metrics count it: one of Parley's, or {@code OTHER}. */
    private static ChatMetrics.FrameIn kindOf(String action) {
        if (action == null) {
            return ChatMetrics.FrameIn.OTHER;
        }
        return switch (action) {
            case TEXT_MESSAGE -> ChatMetrics.FrameIn.TEXT_MESSAGE;
            case FILE_MESSAGE -> ChatMetrics.FrameIn.FILE_MESSAGE;
            case USER_PROFILE_MESSAGE -> ChatMetrics.FrameIn.USER_PROFILE_MESSAGE;
            case SEEN -> ChatMetrics.FrameIn.SEEN;
            case EDIT_MESSAGE -> ChatMetrics.FrameIn.EDIT_MESSAGE;
            case DELETE_MESSAGE -> ChatMetrics.FrameIn.DELETE_MESSAGE;
            case TYPING -> ChatMetrics.FrameIn.TYPING;
            default -> ChatMetrics.FrameIn.OTHER;
        };
    }

    private Optional<String> sendText(UserId sender, JsonNode frame, Optional<ClientMessageId> clientMessageId,
                                      Consumer<String> reply, AnsweredLater later) {
        String body = requiredText(frame, "message_body");
        UserId receiver = requiredUserId(frame, "receiver_id");
        CompletionStage<Sent> stored =
                sendText.send(new SendTextMessage.Command(sender, receiver, body, clientMessageId));
        later.take();
        answerLater(stored, sender, TEXT_MESSAGE, clientMessageId, reply, later);
        return Optional.empty();
    }

    /** {@code {"action":"file_message","chat_id":5}}: deliver the sender's uploaded file message. */
    private Optional<String> announceFile(UserId sender, JsonNode frame, Optional<ClientMessageId> clientMessageId) {
        Optional<Long> id = messageId(frame, "chat_id");
        if (id.isEmpty()) {
            return error(ErrorCode.VALIDATION_ERROR, "chat_id is required and must be a message id", FILE_MESSAGE,
                    clientMessageId);
        }
        announceFile.announce(new AnnounceFileMessage.Command(sender, new MessageId(id.get()), clientMessageId));
        return Optional.empty();
    }

    /**
     * {@code {"action":"seen","message_id":5}} (contract §11): the sender's read marker moves there. Its answer is the
     * {@code seen_message} delivered to every connection of the sender, this one included (with the request's
     * {@code client_msg_id}), and to the other participant's when the marker moved.
     */
    private Optional<String> markSeen(UserId sender, JsonNode frame, Optional<ClientMessageId> clientMessageId) {
        MessageId id = requiredMessageId(frame, "message_id");
        markSeen.mark(new MarkSeen.Command(sender, id, Optional.empty(), clientMessageId));
        return Optional.empty();
    }

    /** A message id field: a positive whole number, or a string holding one (as the seed's clients send ids). */
    private static Optional<Long> messageId(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        Optional<Long> id = node == null ? Optional.empty()
                : node.canConvertToExactIntegral() && node.canConvertToLong() ? Optional.of(node.longValue())
                : node.isTextual() ? parsePositive(node.asText()) : Optional.empty();
        return id.filter(value -> value >= 1);
    }

    /** {@code {"action":"user_profile_message","attached_profile_id":…,"receiver_id":…}}. */
    private Optional<String> shareProfile(UserId sender, JsonNode frame, Optional<ClientMessageId> clientMessageId,
                                          Consumer<String> reply, AnsweredLater later) {
        UserId receiver = requiredUserId(frame, "receiver_id");
        UserId profile = requiredUserId(frame, "attached_profile_id");
        CompletionStage<Sent> stored =
                shareProfile.share(new ShareProfile.Command(sender, receiver, profile, clientMessageId));
        later.take();
        answerLater(stored, sender, USER_PROFILE_MESSAGE, clientMessageId, reply, later);
        return Optional.empty();
    }

    /**
     * {@code {"action":"typing","receiver_id":…}} (contract §13): forwarded to the receiver's connections, or dropped
     * silently by the throttle; either way nothing is answered. A bad receiver is refused as for a text message.
     */
    private Optional<String> typing(UserId sender, JsonNode frame) {
        UserId receiver = requiredUserId(frame, "receiver_id");
        sendTyping.type(new SendTyping.Command(sender, receiver));
        return Optional.empty();
    }

    /**
     * Answers a send once storing it completed. A message stored now needs no answer here: its {@code conf_message}
     * goes to every connection of the sender with the delivered event. A repeat (contract §14: the sender already
     * stored a message with this {@code client_msg_id}) stored and delivered nothing: this connection, and only this
     * one, gets the original's {@code conf_message} again, as it was first sent (same {@code created_msg_id},
     * {@code timestamp} and fields). When the message could not be stored (nothing was delivered), the sender gets an
     * error frame: {@code unavailable} with {@code retry_after_ms} when storage could not be reached (the storage
     * adapter logs the outage, once; nothing is logged here per message), {@code internal_error} otherwise. Runs on
     * group commit's delivery thread (or its writer thread, which delivers small batches itself): the reply goes
     * first (it never throws), so that even a log call that fails cannot keep it from the sender.
     */
    private static void answerLater(CompletionStage<Sent> stored, UserId sender, String action,
                                    Optional<ClientMessageId> clientMessageId, Consumer<String> reply,
                                    AnsweredLater later) {
        stored.whenComplete((sent, failure) -> {
            try {
                if (failure == null) {
                    if (sent.repeat()) {
                        confirmAgain(sent, sender, action, clientMessageId, reply);
                    }
                } else {
                    answerFailure(failure, sender, action, clientMessageId, reply);
                }
            } finally {
                later.answered();
            }
        });
    }

    private static void confirmAgain(Sent repeat, UserId sender, String action,
                                     Optional<ClientMessageId> clientMessageId, Consumer<String> reply) {
        String frame;
        try {
            frame = Frames.confirmationAgain(repeat, clientMessageId);
        } catch (RuntimeException e) {
            reply.accept(Frames.error(ErrorCode.INTERNAL_ERROR, "Something went wrong on the server", action,
                    clientMessageId));
            LOG.error("Confirming message {} again to user {} failed", repeat.message().id().value(), sender, e);
            return;
        }
        reply.accept(frame);
    }

    private static void answerFailure(Throwable failure, UserId sender, String action,
                                      Optional<ClientMessageId> clientMessageId, Consumer<String> reply) {
        if (failure == null) {
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof Unavailable unavailable) {
            refused(unavailable.accept(FrameRefusals.INSTANCE), action, clientMessageId).ifPresent(reply);
            return;
        }
        reply.accept(Frames.error(ErrorCode.INTERNAL_ERROR, "The message could not be stored; send it again",
                action, clientMessageId));
        LOG.error("Storing a {} of user {} failed", action, sender, failure);
    }

    /**
     * A frame whose answer follows once its message's storing completes: the action {@link #take() takes} the count
     * of unanswered frames over from {@link #handle}, and gives it back once, when the answer has gone.
     */
    private static final class AnsweredLater {
        /** {@link #done} in a field of its own, not an {@code AtomicBoolean}: one object less per frame. */
        private static final AtomicIntegerFieldUpdater<AnsweredLater> DONE =
                AtomicIntegerFieldUpdater.newUpdater(AnsweredLater.class, "done");

        private final AtomicInteger unanswered;
        /** 1 once {@link #answered()} has given the count back. */
        private volatile int done;
        boolean taken;

        AnsweredLater(AtomicInteger unanswered) {
            this.unanswered = unanswered;
        }

        void take() {
            taken = true;
        }

        void answered() {
            if (DONE.compareAndSet(this, 0, 1)) {
                unanswered.decrementAndGet();
            }
        }
    }

    /**
     * The string value of a field the action needs.
     *
     * @throws InvalidFrame when the field is missing, {@code null} or not a string
     */
    private static String requiredText(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual()) {
            throw new InvalidFrame(field + " is required and must be a string");
        }
        return node.textValue();
    }

    /**
     * The user id in a field the action needs. Whether the user exists is the use case's question
     * ({@code invalid_receiver} or {@code not_found}); here only its form is checked.
     *
     * @throws InvalidFrame when the field is missing, not a string, or not a canonical UUID
     */
    private static UserId requiredUserId(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual()) {
            throw new InvalidFrame(field + " is required and must be a user id (a UUID string)");
        }
        try {
            return UserId.parse(node.textValue());
        } catch (DomainRuleViolation e) {
            throw new InvalidFrame(field + " must be a user id (a UUID string)");
        }
    }

    /**
     * The message id in a field the action needs.
     *
     * @throws InvalidFrame when the field is missing, or not a positive number or a string holding one
     */
    private static MessageId requiredMessageId(JsonNode frame, String field) {
        return new MessageId(messageId(frame, field)
                .orElseThrow(() -> new InvalidFrame(field + " is required and must be a message id")));
    }

    private static Optional<Long> parsePositive(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The request's {@code client_msg_id}; one that would not be echoed as it is sent is refused. */
    private static Optional<ClientMessageId> clientMessageId(JsonNode frame) {
        JsonNode node = frame.get("client_msg_id");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidFrame("client_msg_id must be a string");
        }
        Optional<String> refused = FrameText.firstRefused(node);
        if (refused.isPresent()) {
            throw new InvalidFrame("client_msg_id" + refused.get());
        }
        return Optional.of(new ClientMessageId(node.textValue()));
    }

    private static Optional<String> refused(FrameRefusals.Refusal refusal, String action,
                                            Optional<ClientMessageId> clientMessageId) {
        return Optional.of(Frames.error(refusal.code(), refusal.message(), action, clientMessageId,
                refusal.retryAfterMillis()));
    }

    private static Optional<String> error(ErrorCode code, String message, String action,
                                          Optional<ClientMessageId> clientMessageId) {
        return Optional.of(Frames.error(code, message, action, clientMessageId));
    }
}
