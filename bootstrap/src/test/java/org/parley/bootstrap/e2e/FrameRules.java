package org.parley.bootstrap.e2e;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The oracle of the websocket property: what the contract (§8, §10–§14, docs/api.md "Websocket", "Editing and
 * deleting", "Read state", "Typing and presence", "Idempotent sending") says the server answers to one text frame from
 * a connected sender, written from the contract, not from the server's code. What exists (messages, read markers) is
 * the {@link Store}'s, which the test reads from the database before each frame.
 *
 * <p>The parser's own limits (nesting depth, length of a number or a field name) are Jackson's defaults, read from
 * Jackson: a frame beyond them is not a JSON value Parley can read ({@code invalid_json}).
 */
final class FrameRules {

    static final int MAX_FRAME_BYTES = 64 * 1024;
    static final int MAX_TEXT_CODE_POINTS = 10_000;
    static final int MAX_CLIENT_MSG_ID = 64;
    static final Pattern USER_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final StreamReadConstraints PARSER = StreamReadConstraints.defaults();

    /** Who and what exists on the server, as far as the frames of the sender can name it. */
    record World(String sender, Set<String> activeReceivers, Set<String> users, long sendersFileMessage, Store store) {
    }

    /** A stored message, as far as the rules need it: {@code type} is {@code text}, {@code file} or {@code user_profile}. */
    record Stored(long id, long thread, String sender, String receiver, String type, boolean deleted) {
        boolean involves(String user) {
            return sender.equals(user) || receiver.equals(user);
        }

        String other(String user) {
            return sender.equals(user) ? receiver : sender;
        }
    }

    /** What is stored now. */
    interface Store {
        Optional<Stored> message(long id);

        /** {@code user}'s read marker in {@code thread}: the message id, 0 when none. */
        long marker(long thread, String user);
    }

    /** What the server answers to a frame. */
    sealed interface Answer {
    }

    /**
     * A {@code conf_message} (and the receiver's {@code re_message}); {@code stores}: a new message in history.
     *
     * @param body the text a {@code text_message} carries, else null
     */
    record Confirmed(String messageType, boolean stores, String clientMsgId, String body) implements Answer {
    }

    /** One error frame. */
    record Refused(String code, String requestAction, String clientMsgId) implements Answer {
    }

    /** The connection closed with this code. */
    record Closed(int code) implements Answer {
    }

    /**
     * Contract §12: {@code message_edited} ({@code text}: the new text) or {@code message_deleted} ({@code text} null)
     * to every connection of both participants, the requesting one included; the sender's carry the request's
     * {@code client_msg_id}. A deletion of a deleted message is answered as the first (its first timestamp).
     */
    record Changed(String action, long messageId, long thread, String other, String text, String clientMsgId)
            implements Answer {
    }

    /**
     * Contract §11: {@code seen_message} with the sender's marker after the request ({@code marker}) to every
     * connection of the sender (with {@code client_msg_id}), and to the other participant's only when it moved.
     */
    record Marked(long thread, long marker, boolean moved, String other, String clientMsgId) implements Answer {
    }

    /**
     * Contract §13: nothing is answered; the receiver gets a {@code typing} notice unless one passed for this pair
     * within the last 2 s (the throttle drops it silently: the test knows when the last one passed).
     */
    record Typed(String receiver) implements Answer {
    }

    private FrameRules() {
    }

    /**
     * @param text the frame as sent
     * @param tree the frame parsed as exactly one JSON value, or empty when it is not one
     */
    static Answer answer(String text, Optional<JsonTree> tree, World world) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES) {
            return new Closed(1009);
        }
        if (tree.isEmpty()) {
            return refused("invalid_json", null, null);
        }
        Optional<String> unreadable = unreadable(tree.get(), 0);
        if (unreadable.isPresent()) {
            return refused(unreadable.get(), null, null);
        }
        if (!(tree.get() instanceof JsonTree.Obj frame)) {
            return refused("invalid_json", null, null);
        }
        String action = frame.get("action").filter(JsonTree.Str.class::isInstance)
                .map(node -> ((JsonTree.Str) node).value()).filter(FrameRules::acceptable).orElse(null);
        String clientMsgId = null;
        Optional<JsonTree> idNode = frame.get("client_msg_id").filter(node -> !(node instanceof JsonTree.Null));
        if (idNode.isPresent()) {
            if (!(idNode.get() instanceof JsonTree.Str id) || !acceptable(id.value()) || id.value().isEmpty()
                    || id.value().length() > MAX_CLIENT_MSG_ID) {
                return refused("validation_error", action, null);
            }
            clientMsgId = id.value();
        }
        if (!frame.texts().stream().allMatch(FrameRules::acceptable)) {
            return refused("validation_error", action, clientMsgId);
        }
        if (action == null) {
            return refused("unknown_action", null, clientMsgId);
        }
        return switch (action) {
            case "text_message" -> textMessage(frame, world, clientMsgId);
            case "file_message" -> fileMessage(frame, world, clientMsgId);
            case "user_profile_message" -> profileShare(frame, world, clientMsgId);
            case "seen" -> seen(frame, world, clientMsgId);
            case "edit_message" -> edit(frame, world, clientMsgId);
            case "delete_message" -> delete(frame, world, clientMsgId);
            case "typing" -> typing(frame, world, clientMsgId);
            default -> refused("unknown_action", action, clientMsgId);
        };
    }

    /** Valid Unicode (no unpaired surrogate) without U+0000: the only text Parley accepts (contract §10). */
    static boolean acceptable(String text) {
        return text.indexOf('\0') < 0 && StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    /** A user id: a UUID in its canonical form, in either case. */
    static Optional<String> userId(JsonTree node) {
        return node instanceof JsonTree.Str str && USER_ID.matcher(str.value()).matches()
                ? Optional.of(str.value().toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * Why the parser cannot read the frame, at the first place it cannot (document order): a field name that is not
     * valid Unicode ({@code validation_error}: the parser refuses it itself, so the frame's action and id are unknown),
     * or a limit of the parser ({@code invalid_json}).
     */
    static Optional<String> unreadable(JsonTree node, int depth) {
        if (node instanceof JsonTree.Num num && num.literal().length() > PARSER.getMaxNumberLength()) {
            return Optional.of("invalid_json");
        }
        if (node instanceof JsonTree.Obj || node instanceof JsonTree.Arr) {
            if (depth + 1 > PARSER.getMaxNestingDepth()) {
                return Optional.of("invalid_json");
            }
        }
        if (node instanceof JsonTree.Obj obj) {
            for (JsonTree.Member member : obj.members()) {
                if (!StandardCharsets.UTF_8.newEncoder().canEncode(member.key())) {
                    return Optional.of("validation_error");
                }
                if (member.key().length() > PARSER.getMaxNameLength()) {
                    return Optional.of("invalid_json");
                }
                Optional<String> inside = unreadable(member.value(), depth + 1);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        if (node instanceof JsonTree.Arr arr) {
            for (JsonTree item : arr.items()) {
                Optional<String> inside = unreadable(item, depth + 1);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    private static Answer textMessage(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<JsonTree> body = frame.get("message_body").filter(JsonTree.Str.class::isInstance);
        Optional<String> receiver = frame.get("receiver_id").flatMap(FrameRules::userId);
        if (body.isEmpty() || receiver.isEmpty()) {
            return refused("validation_error", "text_message", clientMsgId);
        }
        String text = ((JsonTree.Str) body.get()).value();
        if (text.isBlank() || text.codePointCount(0, text.length()) > MAX_TEXT_CODE_POINTS
                || receiver.get().equals(world.sender())) {
            return refused("validation_error", "text_message", clientMsgId);
        }
        if (!world.activeReceivers().contains(receiver.get())) {
            return refused("invalid_receiver", "text_message", clientMsgId);
        }
        return new Confirmed("text", true, clientMsgId, text);
    }

    private static Answer fileMessage(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<Long> chatId = frame.get("chat_id").flatMap(FrameRules::messageId).filter(id -> id >= 1);
        if (chatId.isEmpty()) {
            return refused("validation_error", "file_message", clientMsgId);
        }
        if (chatId.get() != world.sendersFileMessage()) {
            return refused("not_found", "file_message", clientMsgId);
        }
        return new Confirmed("file", false, clientMsgId, null);
    }

    private static Answer profileShare(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<String> receiver = frame.get("receiver_id").flatMap(FrameRules::userId);
        Optional<String> profile = frame.get("attached_profile_id").flatMap(FrameRules::userId);
        if (receiver.isEmpty() || profile.isEmpty() || receiver.get().equals(world.sender())) {
            return refused("validation_error", "user_profile_message", clientMsgId);
        }
        if (!world.activeReceivers().contains(receiver.get())) {
            return refused("invalid_receiver", "user_profile_message", clientMsgId);
        }
        if (!world.users().contains(profile.get())) {
            return refused("not_found", "user_profile_message", clientMsgId);
        }
        return new Confirmed("user_profile", true, clientMsgId, null);
    }

    /**
     * Contract §11's read marker (docs/api.md, "Read state"): a {@code message_id} that is a message of the sender's
     * conversations (sent or received, deleted or not) moves the sender's marker in its thread, never back.
     */
    private static Answer seen(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<Long> messageId = frame.get("message_id").flatMap(FrameRules::messageId).filter(id -> id >= 1);
        if (messageId.isEmpty()) {
            return refused("validation_error", "seen", clientMsgId);
        }
        Optional<Stored> message = world.store().message(messageId.get()).filter(found -> found.involves(world.sender()));
        if (message.isEmpty()) {
            return refused("not_found", "seen", clientMsgId);
        }
        long marker = world.store().marker(message.get().thread(), world.sender());
        return new Marked(message.get().thread(), Math.max(marker, message.get().id()), message.get().id() > marker,
                message.get().other(world.sender()), clientMsgId);
    }

    /**
     * Contract §12 (docs/api.md, "Editing and deleting"): only the sender's own text message, not deleted, with new
     * text that follows {@code text_message}'s rules. The documents name no order between a bad new text and a message
     * that is not the sender's; like {@code text_message} (whose text is checked before its receiver), the text comes
     * first.
     */
    private static Answer edit(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<Long> messageId = frame.get("message_id").flatMap(FrameRules::messageId).filter(id -> id >= 1);
        Optional<JsonTree> body = frame.get("message_body").filter(JsonTree.Str.class::isInstance);
        if (messageId.isEmpty() || body.isEmpty()) {
            return refused("validation_error", "edit_message", clientMsgId);
        }
        String text = ((JsonTree.Str) body.get()).value();
        if (text.isBlank() || text.codePointCount(0, text.length()) > MAX_TEXT_CODE_POINTS) {
            return refused("validation_error", "edit_message", clientMsgId);
        }
        Optional<Stored> message = own(world, messageId.get());
        if (message.isEmpty()) {
            return refused("not_found", "edit_message", clientMsgId);
        }
        if (message.get().deleted() || !message.get().type().equals("text")) {
            return refused("validation_error", "edit_message", clientMsgId);
        }
        return new Changed("message_edited", message.get().id(), message.get().thread(), message.get().receiver(),
                text, clientMsgId);
    }

    /** Contract §12: the sender's own message of any kind; deleting it again is answered as the first time. */
    private static Answer delete(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<Long> messageId = frame.get("message_id").flatMap(FrameRules::messageId).filter(id -> id >= 1);
        if (messageId.isEmpty()) {
            return refused("validation_error", "delete_message", clientMsgId);
        }
        Optional<Stored> message = own(world, messageId.get());
        if (message.isEmpty()) {
            return refused("not_found", "delete_message", clientMsgId);
        }
        return new Changed("message_deleted", message.get().id(), message.get().thread(), message.get().receiver(),
                null, clientMsgId);
    }

    /** Contract §13: the receiver is checked as {@code text_message}'s. */
    private static Answer typing(JsonTree.Obj frame, World world, String clientMsgId) {
        Optional<String> receiver = frame.get("receiver_id").flatMap(FrameRules::userId);
        if (receiver.isEmpty() || receiver.get().equals(world.sender())) {
            return refused("validation_error", "typing", clientMsgId);
        }
        if (!world.activeReceivers().contains(receiver.get())) {
            return refused("invalid_receiver", "typing", clientMsgId);
        }
        return new Typed(receiver.get());
    }

    /** A message the sender sent (to anyone else it does not exist). */
    private static Optional<Stored> own(World world, long id) {
        return world.store().message(id).filter(found -> found.sender().equals(world.sender()));
    }

    /**
     * A message id as {@code chat_id} may carry it (docs/api.md: a positive number, or a string holding one): an
     * integral JSON number within a long (a number with a fraction or an exponent has the value of a double), or a
     * string of a whole number with blanks around it.
     */
    static Optional<Long> messageId(JsonTree node) {
        if (node instanceof JsonTree.Num num) {
            String literal = num.literal();
            if (literal.contains(".") || literal.contains("e") || literal.contains("E")) {
                double value = Double.parseDouble(literal);
                boolean integral = !Double.isInfinite(value) && value == Math.rint(value);
                return integral && value >= Long.MIN_VALUE && value <= Long.MAX_VALUE
                        ? Optional.of((long) value) : Optional.empty();
            }
            BigInteger value = new BigInteger(literal);
            return value.bitLength() < 64 ? Optional.of(value.longValue()) : Optional.empty();
        }
        if (node instanceof JsonTree.Str str) {
            try {
                return Optional.of(Long.parseLong(str.value().strip()));
            } catch (NumberFormatException notANumber) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Refused refused(String code, String requestAction, String clientMsgId) {
        return new Refused(code, requestAction, clientMsgId);
    }
}
