package org.parley.adapter.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.parley.application.error.UnknownUser;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.PageRequest;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * The seed's chat history endpoints: a conversation's messages and the caller's threads.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("chat")
public final class ChatResource {

    private final ListConversation listConversation;
    private final ListMyThreads listMyThreads;

    ChatResource(ListConversation listConversation, ListMyThreads listMyThreads) {
        this.listConversation = Objects.requireNonNull(listConversation, "listConversation");
        this.listMyThreads = Objects.requireNonNull(listMyThreads, "listMyThreads");
    }

    /**
     * A page of the conversation with {@code uid}, newest first. A blank query parameter counts as absent.
     * An unknown or malformed {@code uid}, or the caller's own id, is the seed's 404 "Invalid receipient".
     */
    @GET
    @Path("messages/{uid}/")
    @Authenticated
    public Response messages(@Context SecurityContext security,
                             @PathParam("uid") String uid,
                             @QueryParam("limit") String limit,
                             @QueryParam("before") String before,
                             @QueryParam("after") String after) {
        User me = Caller.of(security);
        UserId other = parseReceiver(uid);
        PageRequest page = pageRequest(limit, before, after);
        var result = listConversation.list(new ListConversation.Query(me.id(), other, page));
        return Envelope.respond(Response.Status.OK, ConversationJson.of(result), "Messages retrieved successfully");
    }

    /** The caller's threads, most recent activity first. */
    @GET
    @Path("user/threads/")
    @Authenticated
    public Response threads(@Context SecurityContext security) {
        User me = Caller.of(security);
        List<ThreadJson> threads = listMyThreads.list(me.id()).stream().map(ThreadJson::of).toList();
        return Envelope.respond(Response.Status.OK, threads, null);
    }

    private static UserId parseReceiver(String uid) {
        try {
            return UserId.parse(uid);
        } catch (DomainRuleViolation e) {
            throw new UnknownUser();
        }
    }

    private static PageRequest pageRequest(String limitText, String beforeText, String afterText) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        int limit = PageRequest.DEFAULT_LIMIT;
        if (present(limitText)) {
            Optional<Long> parsed = parseLong(limitText);
            if (parsed.isPresent() && parsed.get() >= 1 && parsed.get() <= PageRequest.MAX_LIMIT) {
                limit = parsed.get().intValue();
            } else {
                errors.put("limit", List.of("limit must be an integer between 1 and " + PageRequest.MAX_LIMIT));
            }
        }
        Optional<MessageId> before = messageId("before", beforeText, errors);
        Optional<MessageId> after = messageId("after", afterText, errors);
        if (!errors.isEmpty()) {
            throw new ValidationFailed("Invalid query parameters", errors);
        }
        return new PageRequest(limit, before, after);
    }

    private static Optional<MessageId> messageId(String name, String text, Map<String, List<String>> errors) {
        if (!present(text)) {
            return Optional.empty();
        }
        Optional<Long> parsed = parseLong(text);
        if (parsed.isEmpty() || parsed.get() < 1) {
            errors.put(name, List.of(name + " must be a positive integer (a message id)"));
            return Optional.empty();
        }
        return Optional.of(new MessageId(parsed.get()));
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
