package org.parley.adapter.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * Deals with unparseable {@code Content-Type} and {@code Accept} headers before Jersey does: Jersey would answer
 * them with an empty 400 that bypasses the failure envelope. A malformed {@code Content-Type} is 415
 * {@code unsupported_media_type} on a request with a body and ignored on one without; a malformed {@code Accept} is read as {@code application/json}, the only thing the
 * API answers anyway.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR - 100)
final class HeaderCheck implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            request.getAcceptableMediaTypes();
        } catch (RuntimeException malformed) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        }
        try {
            request.getMediaType();
        } catch (RuntimeException malformed) {
            if (request.hasEntity()) {
                throw new UnreadableContentType();
            }
            request.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
        }
    }

    /** A {@code Content-Type} header that is not a media type at all. */
    static final class UnreadableContentType extends RuntimeException {
        UnreadableContentType() {
            super("Malformed Content-Type", null, false, false);
        }
    }
}
