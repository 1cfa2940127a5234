package org.parley.bootstrap.e2e;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The oracle of the websocket property: what the contract (§8, §10, docs/api.md "Websocket") says the server answers
 * to one text frame from a connected sender, written from the contract, not from the server's code.
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
    record World(String sender, Set<String> activeReceivers, Set<String> users, long sendersFileMessage) {
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
            case "seen" -> seen(frame, clientMsgId);
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
     * Contract §11's read marker (docs/api.md, "Read state"): without a valid {@code message_id} a validation error.
     * The generated frames never carry one (they name the sender's file message by {@code chat_id} only), so a valid
     * one is not modelled: it would be answered with {@code seen_message}, not an error frame.
     */
    private static Answer seen(JsonTree.Obj frame, String clientMsgId) {
        Optional<Long> messageId = frame.get("message_id").flatMap(FrameRules::messageId).filter(id -> id >= 1);
        if (messageId.isEmpty()) {
            return refused("validation_error", "seen", clientMsgId);
        }
        throw new IllegalStateException("A seen frame with a valid message_id is not modelled: " + messageId.get());
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
