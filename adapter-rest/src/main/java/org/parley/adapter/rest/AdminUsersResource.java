package org.parley.adapter.rest;

import java.util.Objects;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.parley.application.port.in.UpsertUserFromBackend;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.user.UserId;

/**
 * The admin API for a backend that owns its users (contract §5). Registered only when an admin key is configured,
 * so that without one every admin path is an unknown route (404). A malformed uuid in the path is a 400
 * {@code validation_error} on {@code id}: the caller is the trusted backend, and a clear error helps it more than 404.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("admin/users")
@AdminOnly
public final class AdminUsersResource {

    private final UpsertUserFromBackend upsertUser;

    AdminUsersResource(UpsertUserFromBackend upsertUser) {
        this.upsertUser = Objects.requireNonNull(upsertUser, "upsertUser");
    }

    @PUT
    @Path("{id}/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response upsert(@PathParam("id") String id, RequestBodies.BackendUser body) {
        UserId userId = parseId(id);
        RequestBodies.BackendUser request = RequestBodies.required(body);
        var result = upsertUser.upsert(request.command(userId));
        Response.Status status = result.created() ? Response.Status.CREATED : Response.Status.OK;
        return Envelope.respond(status, UserJson.of(result.user()), result.created() ? "User created" : "User updated");
    }

    private static UserId parseId(String id) {
        try {
            return UserId.parse(id);
        } catch (DomainRuleViolation e) {
            throw InvalidFields.of("id", "Not a user id: expected a UUID");
        }
    }
}
