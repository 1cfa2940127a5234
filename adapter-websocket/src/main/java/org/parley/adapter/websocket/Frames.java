package org.parley.adapter.websocket;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.FileSize;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryKind;
import org.parley.domain.user.User;

/** Renders the server-to-client frames of the seed API, field for field, as JSON text. */
final class Frames {

    /** The seed's frame timestamp: microseconds and an explicit {@code +00:00} offset. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'").withZone(ZoneOffset.UTC);

    private Frames() {
    }

    /**
     * The {@code re_message} or {@code conf_message} frame of a stored message.
     *
     * @param link the signed download path of a file message's attachment
     */
    static String delivery(OutboundMessage outbound, DeliveryKind kind, Optional<String> link) {
        Message message = outbound.message();
        ObjectNode frame = Json.MAPPER.createObjectNode();
        MessageContent content = message.content();
        if (content instanceof MessageContent.Text text) {
            putParties(frame, message);
            frame.put("message", text.body());
            putStamp(frame, message);
            frame.put("message_type", message.type().wireName());
            frame.put("action", kind.action());
        } else if (content instanceof MessageContent.File file) {
            Attachment attachment = file.attachment();
            frame.put("message_body", file.caption() == null ? "" : file.caption());
            frame.put("attached_file_name", attachment.fileName());
            frame.put("attached_file_size", new FileSize(attachment.sizeBytes()).display());
            frame.put("attached_file_bytes", attachment.sizeBytes());
            frame.put("attached_file", link.orElse(null));
            putParties(frame, message);
            putStamp(frame, message);
            frame.put("action", kind.action());
            frame.put("message_type", message.type().wireName());
        } else if (content instanceof MessageContent.ProfileShare share) {
            putParties(frame, message);
            frame.putNull("message");
            putStamp(frame, message);
            ObjectNode profile = frame.putObject("attached_profile");
            profile.put("id", share.profile().toString());
            Optional<User> shared = outbound.attachedProfile().filter(user -> user.id().equals(share.profile()));
            profile.put("fullname", shared.map(user -> user.profile().fullname()).orElse(null));
            profile.put("phone_number", shared.map(user -> user.profile().phoneNumber()).orElse(null));
            frame.put("message_type", message.type().wireName());
            frame.put("action", kind.action());
        } else {
            throw new IllegalStateException("Unknown message content " + content.getClass());
        }
        if (kind == DeliveryKind.CONF_MESSAGE) {
            outbound.clientMessageId().ifPresent(id -> frame.put("client_msg_id", id.value()));
        }
        return write(frame);
    }

    /** An error frame answering one client frame; the connection stays open. */
    static String error(ErrorCode code, String message, String requestAction, Optional<ClientMessageId> clientMessageId) {
        ObjectNode frame = Json.MAPPER.createObjectNode();
        frame.put("action", "error");
        frame.put("code", code.wireName());
        frame.put("message", message);
        frame.put("request_action", requestAction);
        clientMessageId.ifPresent(id -> frame.put("client_msg_id", id.value()));
        return write(frame);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    private static void putParties(ObjectNode frame, Message message) {
        frame.put("sender_id", message.sender().toString());
        frame.put("receiver_id", message.receiver().toString());
    }

    private static void putStamp(ObjectNode frame, Message message) {
        frame.put("timestamp", timestamp(message.createdAt()));
        frame.put("created_msg_id", message.id().value());
    }

    private static String write(ObjectNode frame) {
        try {
            return Json.MAPPER.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A frame tree could not be written", e);
        }
    }
}
