package org.parley.adapter.websocket;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * The actions of contract §12, {@code edit_message} and {@code delete_message}, as use-case calls. They answer through
 * delivery ({@code message_edited}, {@code message_deleted} to both participants' connections, the requesting one
 * included, with its {@code client_msg_id}); refusals are thrown and answered by {@link InboundFrames} like any other
 * (not the sender or unknown: {@code not_found}; not a text message, or deleted: {@code validation_error}).
 */
final class MessageChanges {

    private final EditMessage edit;
    private final DeleteMessage delete;

    MessageChanges(EditMessage edit, DeleteMessage delete) {
        this.edit = Objects.requireNonNull(edit, "edit");
        this.delete = Objects.requireNonNull(delete, "delete");
    }

    /** {@code {"action":"edit_message","message_id":<id>,"message_body":"…"}}. */
    void edit(UserId sender, MessageId message, String body, Optional<ClientMessageId> clientMessageId) {
        edit.edit(new EditMessage.Command(sender, message, body, clientMessageId));
    }

    /** {@code {"action":"delete_message","message_id":<id>}}. */
    void delete(UserId sender, MessageId message, Optional<ClientMessageId> clientMessageId) {
        delete.delete(new DeleteMessage.Command(sender, message, clientMessageId));
    }
}
