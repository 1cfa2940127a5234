package org.parley.adapter.rest;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.ChangedMessage;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.User;

/**
 * Contract §12 over REST: {@code PATCH /chat/message/<id>/} {@code {"message":"…"}} edits a text message the caller
 * sent, {@code DELETE /chat/message/<id>/} deletes a message the caller sent; both answer 200 with {@code data} = the
 * message after the change (the shape of {@code /chat/messages/}). Both tell both participants' connections, as the
 * websocket's actions do.
 *
 * <p>Anyone but the sender, an unknown id and a malformed id: 404 (a message you cannot change does not exist for you).
 * The new text is checked as a new text message's: 400 {@code validation_error} with {@code errors.message}, as is
 * editing a message that is not text. Editing a deleted message: 409 {@code conflict} with {@code errors.message}.
 * Deleting a deleted message again answers 200 with its tombstone (idempotent).
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("chat/message")
public final class MessageChangesResource {

    /** The body field that holds the new text, and the name under which its problems are reported. */
    static final String MESSAGE_FIELD = "message";

    private final EditMessage edit;
    private final DeleteMessage delete;
    private final LinkToAttachment links;

    MessageChangesResource(EditMessage edit, DeleteMessage delete, LinkToAttachment links) {
        this.edit = Objects.requireNonNull(edit, "edit");
        this.delete = Objects.requireNonNull(delete, "delete");
        this.links = Objects.requireNonNull(links, "links");
    }

    @PATCH
    @Path("{id}/")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    public Response edit(@Context Caller caller, @PathParam("id") String id, JsonNode body) {
        User me = caller.user();
        MessageId message = parseId(id);
        JsonNode request = RequestBodies.required(body);
        if (!request.isObject()) {
            throw new InvalidRequestBody("A JSON object is required as the request body");
        }
        JsonNode text = request.get(MESSAGE_FIELD);
        if (text == null || !text.isTextual()) {
            throw InvalidFields.of(MESSAGE_FIELD, "This field is required and must be a string.");
        }
        ChangedMessage changed;
        try {
            changed = edit.edit(new EditMessage.Command(me.id(), message, text.textValue(), Optional.empty()));
        } catch (DomainRuleViolation | ValidationFailed refused) {
            throw InvalidFields.of(MESSAGE_FIELD, refused.getMessage());
        } catch (Conflict deleted) {
            return FailureMapper.respond(ApiError.CONFLICT, deleted.getMessage(),
                    Map.of(MESSAGE_FIELD, List.of(deleted.getMessage()))).build();
        }
        return answer(changed, "Message edited successfully");
    }

    @DELETE
    @Path("{id}/")
    @Authenticated
    public Response delete(@Context Caller caller, @PathParam("id") String id) {
        User me = caller.user();
        ChangedMessage changed = delete.delete(new DeleteMessage.Command(me.id(), parseId(id), Optional.empty()));
        return answer(changed, "Message deleted successfully");
    }

    private Response answer(ChangedMessage changed, String text) {
        return Envelope.respond(Response.Status.OK, MessageJson.of(changed.message(), changed.people(), links, changed.seen()), text);
    }

    private static MessageId parseId(String id) {
        try {
            long value = Long.parseLong(id.strip());
            if (value > 0) {
                return new MessageId(value);
            }
        } catch (NumberFormatException malformed) {
            // answered below
        }
        throw new NotFound("No message with this id was sent by you");
    }
}
