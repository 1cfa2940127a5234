package org.parley.adapter.websocket;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;

import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;

/**
 * The frames of contract §12, field for field: {@code message_edited} and {@code message_deleted}, the same for both
 * participants except that the sender's (whose request they answer) carries the request's {@code client_msg_id}.
 */
final class ChangeFrames {

    static final String MESSAGE_EDITED = "message_edited";
    static final String MESSAGE_DELETED = "message_deleted";

    private ChangeFrames() {
    }

    /**
     * {@code {"action":"message_edited","message_id":<id>,"thread":<id>,"message":"…","edited_at":"…+00:00"}}.
     */
    static String edited(MessageEdited event, Audience audience) {
        return FrameJson.render(editedBody(event, audience));
    }

    /** What {@link #edited} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body editedBody(MessageEdited event, Audience audience) {
        Message message = event.message();
        return frame -> {
            frame.writeStartObject();
            frame.writeStringField("action", MESSAGE_EDITED);
            frame.writeNumberField("message_id", message.id().value());
            frame.writeNumberField("thread", message.threadId().value());
            frame.writeStringField("message", event.text());
            Frames.writeTimestamp(frame, "edited_at", message.updatedAt());
            writeClientMessageId(frame, audience, event.clientMessageId());
            frame.writeEndObject();
        };
    }

    /** {@code {"action":"message_deleted","message_id":<id>,"thread":<id>,"timestamp":"…+00:00"}}. */
    static String deleted(MessageDeleted event, Audience audience) {
        return FrameJson.render(deletedBody(event, audience));
    }

    /** What {@link #deleted} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body deletedBody(MessageDeleted event, Audience audience) {
        Message message = event.message();
        return frame -> {
            frame.writeStartObject();
            frame.writeStringField("action", MESSAGE_DELETED);
            frame.writeNumberField("message_id", message.id().value());
            frame.writeNumberField("thread", message.threadId().value());
            Frames.writeTimestamp(frame, "timestamp", message.updatedAt());
            writeClientMessageId(frame, audience, event.clientMessageId());
            frame.writeEndObject();
        };
    }

    private static void writeClientMessageId(JsonGenerator frame, Audience audience, Optional<ClientMessageId> id)
            throws IOException {
        if (audience == Audience.SENDER && id.isPresent()) {
            frame.writeStringField("client_msg_id", id.get().value());
        }
    }
}
