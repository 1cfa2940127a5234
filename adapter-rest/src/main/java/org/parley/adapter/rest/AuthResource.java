package org.parley.adapter.rest;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.parley.application.port.in.LogIn;
import org.parley.application.port.in.RefreshAccessToken;
import org.parley.application.port.in.RegisterUser;
import org.parley.domain.user.User;

/**
 * Accounts (contract §5): register, log in, refresh the access token, and who am I.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("auth")
public final class AuthResource {

    private final RegisterUser registerUser;
    private final LogIn logIn;
    private final RefreshAccessToken refreshAccessToken;

    AuthResource(RegisterUser registerUser, LogIn logIn, RefreshAccessToken refreshAccessToken) {
        this.registerUser = Objects.requireNonNull(registerUser, "registerUser");
        this.logIn = Objects.requireNonNull(logIn, "logIn");
        this.refreshAccessToken = Objects.requireNonNull(refreshAccessToken, "refreshAccessToken");
    }

    @POST
    @Path("register/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RequestBodies.Register body) {
        RequestBodies.Register request = RequestBodies.required(body);
        User user = registerUser.register(new RegisterUser.Command(request.details(), request.password()));
        return Envelope.respond(Response.Status.CREATED, UserJson.of(user), "User registered successfully");
    }

    /** Every failure, whatever the cause (unknown e-mail, wrong password, inactive account, no body), is the same 401. */
    @POST
    @Path("token/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response token(RequestBodies.Credentials body) {
        RequestBodies.Credentials credentials = body == null ? new RequestBodies.Credentials(null, null) : body;
        LogIn.TokenGrant grant = logIn.logIn(new LogIn.Command(credentials.email(), credentials.password()));
        return Envelope.respond(Response.Status.OK,
                new TokenJson(grant.access(), grant.refresh(), UserJson.of(grant.user())), "Login successful");
    }

    @POST
    @Path("token/refresh/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response refresh(RequestBodies.Refresh body) {
        String access = refreshAccessToken.refresh(body == null ? null : body.refresh());
        return Envelope.respond(Response.Status.OK, Map.of("access", access), null);
    }

    @GET
    @Path("me/")
    @Authenticated
    public Response me(@Context Caller caller) {
        return Envelope.respond(Response.Status.OK, UserJson.of(caller.user()), null);
    }

    /** The {@code data} of a successful log-in. */
    record TokenJson(
            @JsonProperty("access") String access,
            @JsonProperty("refresh") String refresh,
            @JsonProperty("user") UserJson user) {
        @Override
        public String toString() {
            return "TokenJson[user=" + user.id() + ", tokens=***]";
        }
    }
}
