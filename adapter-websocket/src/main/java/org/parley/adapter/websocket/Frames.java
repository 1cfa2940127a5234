package org.parley.adapter.websocket;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryKind;
import org.parley.domain.user.User;
import org.parley.wire.FileSizeText;
import org.parley.wire.MessageTypeNames;

/** Renders the server-to-client frames of the seed API, field for field, as JSON text. */
final class Frames {

    /** The seed's frame timestamp: microseconds and an explicit {@code +00:00} offset. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'").withZone(ZoneOffset.UTC);

    private Frames() {
    }

    /**
     * The {@code re_message} or {@code conf_message} frame of a stored message. Written with Jackson's streaming
     * generator rather than a tree: this runs for every frame delivered, and the tree cost as much as the rest of the
     * rendering.
     *
     * @param link the signed download path of a file message's attachment
     */
    static String delivery(OutboundMessage outbound, DeliveryKind kind, Optional<String> link) {
        Message message = outbound.message();
        MessageContent content = message.content();
        StringWriter out = new StringWriter(384);
        try (JsonGenerator frame = Json.MAPPER.getFactory().createGenerator(out)) {
            frame.writeStartObject();
            if (content instanceof MessageContent.Text text) {
                writeParties(frame, message);
                frame.writeStringField("message", text.body());
                writeStamp(frame, message);
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
                frame.writeStringField("action", kind.action());
            } else if (content instanceof MessageContent.File file) {
                Attachment attachment = file.attachment();
                frame.writeStringField("message_body", file.caption() == null ? "" : file.caption());
                frame.writeStringField("attached_file_name", attachment.fileName());
                frame.writeStringField("attached_file_size", FileSizeText.of(attachment.sizeBytes()));
                frame.writeNumberField("attached_file_bytes", attachment.sizeBytes());
                frame.writeStringField("attached_file", link.orElse(null));
                writeParties(frame, message);
                writeStamp(frame, message);
                frame.writeStringField("action", kind.action());
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
            } else if (content instanceof MessageContent.ProfileShare share) {
                writeParties(frame, message);
                frame.writeNullField("message");
                writeStamp(frame, message);
                Optional<User> shared = outbound.attachedProfile().filter(user -> user.id().equals(share.profile()));
                frame.writeObjectFieldStart("attached_profile");
                frame.writeStringField("id", share.profile().toString());
                frame.writeStringField("fullname", shared.map(user -> user.profile().fullname()).orElse(null));
                frame.writeStringField("phone_number", shared.map(user -> user.profile().phoneNumber()).orElse(null));
                frame.writeEndObject();
                frame.writeStringField("message_type", MessageTypeNames.of(message.type()));
                frame.writeStringField("action", kind.action());
            } else {
                throw new IllegalStateException("Unknown message content " + content.getClass());
            }
            if (kind == DeliveryKind.CONF_MESSAGE && outbound.clientMessageId().isPresent()) {
                frame.writeStringField("client_msg_id", outbound.clientMessageId().get().value());
            }
            frame.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("A frame could not be written", e);
        }
        return out.toString();
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

    private static void writeParties(JsonGenerator frame, Message message) throws IOException {
        frame.writeStringField("sender_id", message.sender().toString());
        frame.writeStringField("receiver_id", message.receiver().toString());
    }

    private static void writeStamp(JsonGenerator frame, Message message) throws IOException {
        frame.writeStringField("timestamp", timestamp(message.createdAt()));
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
