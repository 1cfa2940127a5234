package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.parley.application.error.NotFound;
import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.ListThreadFiles;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.PageRequest;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * The seed's chat endpoints: a conversation's messages, the caller's threads, a thread's files, and uploads.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("chat")
public final class ChatResource {

    private final ListConversation listConversation;
    private final ListMyThreads listMyThreads;
    private final ListThreadFiles listThreadFiles;
    private final LinkToAttachment links;
    private final AttachmentUpload upload;
    private final MarkSeen markSeen;

    ChatResource(ListConversation listConversation, ListMyThreads listMyThreads, ListThreadFiles listThreadFiles,
                 LinkToAttachment links, AttachmentUpload upload, MarkSeen markSeen) {
        this.listConversation = Objects.requireNonNull(listConversation, "listConversation");
        this.listMyThreads = Objects.requireNonNull(listMyThreads, "listMyThreads");
        this.listThreadFiles = Objects.requireNonNull(listThreadFiles, "listThreadFiles");
        this.links = Objects.requireNonNull(links, "links");
        this.upload = Objects.requireNonNull(upload, "upload");
        this.markSeen = Objects.requireNonNull(markSeen, "markSeen");
    }

    /**
     * A page of the conversation with {@code uid}, newest first. A blank query parameter counts as absent.
     * An unknown or malformed {@code uid}, or the caller's own id, is the seed's 404 "Invalid receipient".
     */
    @GET
    @Path("messages/{uid}/")
    @Authenticated
    public Response messages(@Context Caller caller,
                             @PathParam("uid") String uid,
                             @QueryParam("limit") String limit,
                             @QueryParam("before") String before,
                             @QueryParam("after") String after) {
        User me = caller.user();
        UserId other = parseReceiver(uid);
        PageRequest page = pageRequest(limit, before, after);
        var result = listConversation.list(new ListConversation.Query(me.id(), other, page));
        return Envelope.respond(Response.Status.OK, ConversationJson.of(result, links), "Messages retrieved successfully");
    }

    /**
     * The file messages of one of the caller's threads, newest first, paged like {@code /chat/messages/}. A thread
     * that does not exist, a malformed id, and a thread the caller is not in are all 404.
     */
    @GET
    @Path("thread/files/{thread_id}/")
    @Authenticated
    public Response threadFiles(@Context Caller caller,
                                @PathParam("thread_id") String threadId,
                                @QueryParam("limit") String limit,
                                @QueryParam("before") String before,
                                @QueryParam("after") String after) {
        User me = caller.user();
        Optional<Long> id = parseLong(threadId).filter(value -> value > 0);
        if (id.isEmpty()) {
            throw new NotFound("Thread not found");
        }
        PageRequest page = pageRequest(limit, before, after);
        var result = listThreadFiles.list(new ListThreadFiles.Query(me.id(), new ThreadId(id.get()), page));
        return Envelope.respond(Response.Status.OK, ConversationJson.of(result, links), "Files retrieved successfully");
    }

    /**
     * The seed's upload: {@code multipart/form-data} with {@code receiver}, {@code message}, {@code attached_file} and
     * {@code attached_file_name}; 201 with {@code entity.message}. The body is read as it arrives (see
     * {@link AttachmentUpload}).
     *
     * <p>As Django REST framework's upload view (its {@code MultiPartParser} and {@code FormParser}) answers: an
     * {@code application/x-www-form-urlencoded} body, or none at all, is 400 {@code validation_error} with
     * {@code errors.attached_file} (no file can be sent that way), and any other type is 415 naming
     * {@code multipart/form-data} (contract §10). The token is checked first, whatever the type.
     */
    @POST
    @Path("attachment/")
    @Authenticated
    public Response attachment(@Context Caller caller, @Context HttpHeaders headers, InputStream body)
            throws IOException {
        User me = caller.user();
        MediaType type = headers.getMediaType();
        if (type == null || type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            throw InvalidFields.of(AttachmentUpload.FILE_FIELD, AttachmentUpload.NO_FILE);
        }
        if (!type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
            throw new UnsupportedBodyType(type.getType() + "/" + type.getSubtype(), MediaType.MULTIPART_FORM_DATA);
        }
        var uploaded = upload.read(me.id(),
                new MultipartBody(headers.getHeaderString(HttpHeaders.CONTENT_TYPE), headers.getLength(), body));
        MessageJson message = MessageJson.of(uploaded.message(), uploaded.people(), links, uploaded.seen());
        return Envelope.created(Map.of("message", UploadedMessageJson.of(message)),
                "File uploaded and chat created successfully");
    }

    /** The caller's threads, most recent activity first. */
    @GET
    @Path("user/threads/")
    @Authenticated
    public Response threads(@Context Caller caller) {
        User me = caller.user();
        List<ThreadJson> threads = listMyThreads.list(me.id()).stream()
                .map(summary -> ThreadJson.of(summary, links)).toList();
        return Envelope.respond(Response.Status.OK, threads, null);
    }

    /**
     * Contract §11: the caller has read everything of thread {@code thread_id} up to and including
     * {@code message_id}, as the websocket's {@code seen} frame says (and with the same {@code seen_message} frames).
     * {@code data} = {@code {"thread", "message_id"}}, {@code message_id} being the caller's marker after the request.
     * A malformed or unknown thread id, a thread the caller is not in and a message not in that thread are 404; a
     * {@code message_id} that is not a positive whole number (or a string of digits) is 400.
     */
    @POST
    @Path("thread/{thread_id}/seen/")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    public Response seen(@Context Caller caller, @PathParam("thread_id") String threadId,
                         RequestBodies.Seen body) {
        User me = caller.user();
        Optional<Long> thread = parseLong(threadId).filter(value -> value > 0);
        if (thread.isEmpty()) {
            throw new NotFound("Thread not found");
        }
        long messageId = RequestBodies.required(body).messageId();
        MarkSeen.Marked marked = markSeen.mark(new MarkSeen.Command(me.id(), new MessageId(messageId),
                Optional.of(new ThreadId(thread.get())), Optional.empty()));
        Map<String, Long> data = new LinkedHashMap<>();
        data.put("thread", marked.thread().value());
        data.put("message_id", marked.marker().value());
        return Envelope.respond(Response.Status.OK, data, "Messages marked as seen");
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
        OptionalLong before = bound("before", beforeText, errors);
        OptionalLong after = bound("after", afterText, errors);
        if (!errors.isEmpty()) {
            throw new InvalidFields("Invalid query parameters", errors);
        }
        return new PageRequest(limit, before, after);
    }

    /** A message id, or 0: the place before the first message ({@code after=0}: from the start). */
    private static OptionalLong bound(String name, String text, Map<String, List<String>> errors) {
        if (!present(text)) {
            return OptionalLong.empty();
        }
        Optional<Long> parsed = parseLong(text);
        if (parsed.isEmpty() || parsed.get() < 0) {
            errors.put(name, List.of(name + " must be a message id, or 0 (before the first message)"));
            return OptionalLong.empty();
        }
        return OptionalLong.of(parsed.get());
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
