package org.parley.adapter.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import org.parley.application.port.in.ShowPresence;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * {@code GET /chat/presence/?ids=<uuid>,<uuid>} (contract §13): {@code data} = {@code {"<uuid>":{"online":bool,
 * "last_seen":"…Z"|null}}} for those of the ids who share a thread with the caller; any other id is left out, whether
 * or not it names a user. At most {@value ShowPresence#MAX_IDS} ids (more: 400); a missing, empty or malformed id:
 * 400 {@code validation_error} naming {@code ids}. The parameter may also be given more than once.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("chat/presence/")
public final class PresenceResource {

    static final String IDS = "ids";

    private final ShowPresence showPresence;

    PresenceResource(ShowPresence showPresence) {
        this.showPresence = Objects.requireNonNull(showPresence, "showPresence");
    }

    @GET
    @Authenticated
    public Response presence(@Context Caller caller, @QueryParam(IDS) List<String> ids) {
        User me = caller.user();
        Set<UserId> users = parse(ids);
        Map<String, Map<String, Object>> data = new LinkedHashMap<>();
        showPresence.show(new ShowPresence.Query(me.id(), users)).forEach((user, presence) -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("online", presence.online());
            shown.put("last_seen", presence.lastSeen().map(WireFormat::timestamp).orElse(null));
            data.put(user.toString(), shown);
        });
        return Envelope.respond(Response.Status.OK, data, null);
    }

    /** The ids, each a canonical UUID, comma-separated in one or more {@code ids} parameters. */
    private static Set<UserId> parse(List<String> parameters) {
        List<String> items = new ArrayList<>();
        if (parameters != null) {
            for (String parameter : parameters) {
                if (parameter != null && !parameter.isBlank()) {
                    items.addAll(List.of(parameter.split(",", -1)));
                }
            }
        }
        if (items.isEmpty()) {
            throw InvalidFields.of(IDS, "ids is required: user ids (UUIDs) separated by commas");
        }
        if (items.size() > ShowPresence.MAX_IDS) {
            throw InvalidFields.of(IDS, "At most " + ShowPresence.MAX_IDS + " ids may be asked for at once, got "
                    + items.size());
        }
        Set<UserId> users = new LinkedHashSet<>();
        for (String item : items) {
            try {
                users.add(UserId.parse(item.strip()));
            } catch (IllegalArgumentException malformed) { // DomainRuleViolation among them
                throw InvalidFields.of(IDS, "ids must be user ids (UUIDs) separated by commas");
            }
        }
        return users;
    }
}
