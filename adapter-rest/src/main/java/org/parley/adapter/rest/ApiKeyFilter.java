package org.parley.adapter.rest;

import java.util.Objects;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * Lets a request reach an {@link AdminOnly} resource only with the configured key in {@code X-Api-Key}. It runs
 * before the body is read, so a caller without the key learns nothing about what the endpoint accepts.
 * A missing or wrong key is answered 401 (the caller is not authenticated as the backend), never 403.
 */
@AdminOnly
@Priority(Priorities.AUTHENTICATION)
final class ApiKeyFilter implements ContainerRequestFilter {

    static final String HEADER = "X-Api-Key";

    private final ApiKey key;

    ApiKeyFilter(ApiKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!key.matches(request.getHeaderString(HEADER))) {
            throw new ApiKeyRejected();
        }
    }

    /** The request to the admin API lacks the right key. */
    static final class ApiKeyRejected extends RuntimeException {
        ApiKeyRejected() {
            super("Invalid or missing API key", null, false, false);
        }
    }
}
