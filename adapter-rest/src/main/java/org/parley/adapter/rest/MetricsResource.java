package org.parley.adapter.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.out.MetricsExposition;

/**
 * {@code GET /metrics} (contract §17): every meter of this node in the metrics adapter's text format (Prometheus's).
 * Registered only when metrics are on ({@code PARLEY_METRICS=true} or {@code PARLEY_METRICS_TOKEN}); otherwise the path
 * does not exist (404). With a token, {@code Authorization: Bearer <token>} is required: a missing or wrong one is
 * answered 401 with {@code WWW-Authenticate: Bearer} and the failure envelope (compared in constant time).
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("metrics")
public final class MetricsResource {

    private final MetricsExposition metrics;
    private final Optional<byte[]> token;

    MetricsResource(MetricsExposition metrics, Optional<String> token) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.token = token.map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    @GET
    public Response scrape(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token.isPresent()) {
            String given = BearerTokenFilter.bearerToken(authorization);
            if (!MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
                throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
            }
        }
        return Response.ok(metrics.scrape(), metrics.contentType()).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }
}
