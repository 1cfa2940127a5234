package org.parley.adapter.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.parley.application.port.in.CheckReadiness;

/**
 * Contract §17's health, without a token and without the success envelope (what probes and load balancers read):
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"up"}} whenever the process serves HTTP;</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"up","checks":{"database":"up"}}} when every part this node
 *       needs answers (the database; with several nodes also {@code "bus"}), else 503
 *       {@code {"status":"down","failing":["database"],"checks":{"database":"timeout"}}} (a part is {@code up},
 *       {@code down} or {@code timeout}). Answered within a short time-out, from an answer shared for about a second
 *       ({@link CheckReadiness}).</li>
 * </ul>
 * Neither is cached by clients ({@code Cache-Control: no-store}).
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("health")
public final class HealthResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final CheckReadiness readiness;

    HealthResource(CheckReadiness readiness) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return Response.ok(Map.of("status", "up")).cacheControl(NO_STORE).build();
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        CheckReadiness.Readiness answer = readiness.check();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", answer.ready() ? "up" : "down");
        if (!answer.ready()) {
            body.put("failing", answer.failing());
        }
        Map<String, String> checks = new LinkedHashMap<>();
        answer.parts().forEach((part, state) -> checks.put(part, state.wireName()));
        body.put("checks", checks);
        return Response.status(answer.ready() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(body).type(MediaType.APPLICATION_JSON_TYPE).cacheControl(NO_STORE).build();
    }
}
