package org.parley.adapter.websocket;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.wire.FileSizeText;
import org.parley.wire.MessageTypeNames;
import org.parley.wire.UtcMicros;

/** Renders the server-to-client frames of the seed API, field for field, as JSON text. */
final class Frames {

    /** The seed's frame timestamp: microseconds and an explicit {@code +00:00} offset. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'").withZone(ZoneOffset.UTC);

    private static final int OFFSET_LENGTH = 6;
    private static final int TIMESTAMP_LENGTH = UtcMicros.LENGTH + OFFSET_LENGTH;
    private static final int UUID_LENGTH = 36;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    /** Where a timestamp or an id is written before the generator copies it; the generator never keeps it. */
    private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[UUID_LENGTH]);

    private Frames() {
    }

    /**
     * The frame of a stored message for one audience: {@code re_message} for its receiver, {@code conf_message} (with
     * the request's {@code client_msg_id}) for its sender. Written with Jackson's streaming generator rather than a
     * tree: this runs for every frame delivered, and the tree cost as much as the rest of the rendering.
     *
     * @param mediaPaths formats a signed attachment link as the path {@code attached_file} shows (the route that
     *                   serves it decides its form)
     */
    static String messageStored(MessageStored outbound, Audience audience,
                                Function<AttachmentLink, String> mediaPaths) {
        return FrameJson.render(messageStoredBody(outbound, audience, mediaPaths));
    }

    /** What {@link #messageStored} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body messageStoredBody(MessageStored outbound, Audience audience,
                                Function<AttachmentLink, String> mediaPaths) {
        Message message = outbound.message();
        MessageContent content = message.content();
        return frame -> {
            frame.writeStartObject();
            if (content instanceof MessageContent.Text text) {
                writeParties(frame, message);
                frame.writeStringField("message", text.body());
                writeStamp(frame, message);
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
                frame.writeStringField("action", action(audience));
            } else if (content instanceof MessageContent.File file) {
                Attachment attachment = file.attachment();
                frame.writeStringField("message_body", file.caption() == null ? "" : file.caption());
                frame.writeStringField("attached_file_name", attachment.fileName());
                frame.writeStringField("attached_file_size", FileSizeText.of(attachment.sizeBytes()));
                frame.writeNumberField("attached_file_bytes", attachment.sizeBytes());
                frame.writeStringField("attached_file", outbound.attachmentLink().map(mediaPaths).orElse(null));
                writeParties(frame, message);
                writeStamp(frame, message);
                frame.writeStringField("action", action(audience));
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
            } else if (content instanceof MessageContent.ProfileShare share) {
                writeParties(frame, message);
                frame.writeNullField("message");
                writeStamp(frame, message);
                Optional<User> shared = outbound.attachedProfile().filter(user -> user.id().equals(share.profile()));
                frame.writeObjectFieldStart("attached_profile");
                writeUserId(frame, "id", share.profile());
                frame.writeStringField("fullname", shared.map(user -> user.profile().fullname()).orElse(null));
                frame.writeStringField("phone_number", shared.map(user -> user.profile().phoneNumber()).orElse(null));
                frame.writeEndObject();
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
                frame.writeStringField("action", action(audience));
            } else if (content instanceof MessageContent.Deleted) {
                // Only a repeat of a deleted message's client_msg_id renders a tombstone (contract §12, §14).
                writeParties(frame, message);
                frame.writeNullField("message");
                writeStamp(frame, message);
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
                frame.writeBooleanField("deleted", true);
                frame.writeStringField("action", action(audience));
            } else {
                throw new IllegalStateException("Unknown message content " + content.getClass());
            }
            if (audience == Audience.SENDER && outbound.clientMessageId().isPresent()) {
                frame.writeStringField("client_msg_id", outbound.clientMessageId().get().value());
            }
            frame.writeEndObject();
        };
    }

    /**
     * The {@code seen_message} frame of a read marker (contract §11), the same for both audiences except that the
     * reader's own connections get the request's {@code client_msg_id}.
     */
    static String messageSeen(MessageSeen seen, Audience audience) {
        return FrameJson.render(messageSeenBody(seen, audience));
    }

    /** What {@link #messageSeen} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body messageSeenBody(MessageSeen seen, Audience audience) {
        return frame -> {
            frame.writeStartObject();
            frame.writeStringField("action", "seen_message");
            frame.writeNumberField("thread", seen.thread().value());
            writeUserId(frame, "reader_id", seen.reader());
            frame.writeNumberField("message_id", seen.upTo().value());
            writeTimestamp(frame, "timestamp", seen.at());
            if (audience == Audience.SENDER && seen.clientMessageId().isPresent()) {
                frame.writeStringField("client_msg_id", seen.clientMessageId().get().value());
            }
            frame.writeEndObject();
        };
    }

    /**
     * The {@code conf_message} of a send that repeated an earlier one (contract §14), rendered from the original
     * message exactly as its first {@code conf_message} was: the same fields, {@code created_msg_id} and
     * {@code timestamp}, and the request's {@code client_msg_id} (the same key). A repeat is never of a file message
     * (uploads carry no {@code client_msg_id}), so no link is needed.
     */
    static String confirmationAgain(Sent repeat, Optional<ClientMessageId> clientMessageId) {
        MessageStored original = new MessageStored(repeat.message(), List.of(), clientMessageId,
                repeat.attachedProfile(), Optional.empty());
        return messageStored(original, Audience.SENDER, link -> {
            throw new IllegalStateException("A repeated send has no attachment");
        });
    }

    /** The seed's {@code action} of a delivered message: what the message is to this recipient. */
    static String action(Audience audience) {
        return switch (audience) {
            case RECEIVER -> "re_message";
            case SENDER -> "conf_message";
        };
    }

    /** An error frame answering one client frame; the connection stays open. */
    static String error(ErrorCode code, String message, String requestAction, Optional<ClientMessageId> clientMessageId) {
        return error(code, message, requestAction, clientMessageId, OptionalLong.empty());
    }

    /**
     * An error frame answering one client frame, with {@code retry_after_ms} when a limit refused it (contract §16);
     * the connection stays open.
     */
    static String error(ErrorCode code, String message, String requestAction, Optional<ClientMessageId> clientMessageId,
                        OptionalLong retryAfterMillis) {
        ObjectNode frame = Json.MAPPER.createObjectNode();
        frame.put("action", "error");
        frame.put("code", code.wireName());
        frame.put("message", message);
        frame.put("request_action", requestAction);
        clientMessageId.ifPresent(id -> frame.put("client_msg_id", id.value()));
        retryAfterMillis.ifPresent(millis -> frame.put("retry_after_ms", millis));
        return write(frame);
    }

    /**
     * {@code instant} as {@link #TIMESTAMP} formats it, e.g. {@code 2025-03-14T10:36:22.680911+00:00} (32 characters;
     * the fraction truncated to microseconds). Every frame of a message carries one, so the years 0000 to 9999 are
     * written digit by digit ({@link UtcMicros}): {@link DateTimeFormatter#format} allocated 1.2 KB per call, more than
     * the rest of the frame's rendering. Other years (which {@code uuuu} writes with a sign) go through the formatter.
     */
    static String timestamp(Instant instant) {
        char[] text = new char[TIMESTAMP_LENGTH];
        return timestampInto(text, instant) ? new String(text) : TIMESTAMP.format(instant);
    }

    /** Writes {@code field} with {@link #timestamp} of {@code instant}, making no {@code String} of it. */
    static void writeTimestamp(JsonGenerator frame, String field, Instant instant) throws IOException {
        frame.writeFieldName(field);
        char[] text = SCRATCH.get();
        if (timestampInto(text, instant)) {
            frame.writeString(text, 0, TIMESTAMP_LENGTH);
        } else {
            frame.writeString(TIMESTAMP.format(instant));
        }
    }

    /**
     * Writes {@code field} with {@code user} as {@link java.util.UUID#toString} writes it (36 characters, lower-case
     * hexadecimal), making no {@code String} of it: two of them are in every message's frame.
     */
    static void writeUserId(JsonGenerator frame, String field, UserId user) throws IOException {
        frame.writeFieldName(field);
        char[] text = SCRATCH.get();
        long high = user.value().getMostSignificantBits();
        long low = user.value().getLeastSignificantBits();
        hex(text, 0, high >>> 32, 8);
        text[8] = '-';
        hex(text, 9, high >>> 16, 4);
        text[13] = '-';
        hex(text, 14, high, 4);
        text[18] = '-';
        hex(text, 19, low >>> 48, 4);
        text[23] = '-';
        hex(text, 24, low, 12);
        frame.writeString(text, 0, UUID_LENGTH);
    }

    /** Writes {@link #timestamp} of {@code instant} at the start of {@code text}; false for a year beyond 0000–9999. */
    private static boolean timestampInto(char[] text, Instant instant) {
        if (!UtcMicros.write(text, 0, instant)) {
            return false;
        }
        "+00:00".getChars(0, OFFSET_LENGTH, text, UtcMicros.LENGTH);
        return true;
    }

    /** Writes the low {@code count} hexadecimal digits of {@code value}, lower-case, at {@code at}. */
    private static void hex(char[] text, int at, long value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = HEX_DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    private static void writeParties(JsonGenerator frame, Message message) throws IOException {
        writeUserId(frame, "sender_id", message.sender());
        writeUserId(frame, "receiver_id", message.receiver());
    }

    private static void writeStamp(JsonGenerator frame, Message message) throws IOException {
        writeTimestamp(frame, "timestamp", message.createdAt());
        frame.writeNumberField("created_msg_id", message.id().value());
    }

    private static String write(ObjectNode frame) {
        try {
            return Json.MAPPER.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A frame tree could not be written", e);
        }
    }
}
