package org.parley.adapter.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * CORS for the origins a deployment allows (contract §16, {@code PARLEY_ALLOWED_ORIGINS}), so that browser pages
 * served from them can call the API with a bearer token:
 * <ul>
 *   <li>a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) from an allowed
 *       origin is answered here, 204, before any resource or authentication runs;</li>
 *   <li>every answer to an allowed origin (the preflight's, successes, failures) carries
 *       {@code Access-Control-Allow-Origin} (that origin), {@code Access-Control-Allow-Methods},
 *       {@code Access-Control-Allow-Headers: Authorization, Content-Type}, {@code Access-Control-Max-Age} and
 *       {@code Vary: Origin};</li>
 *   <li>any other origin (and {@code null}, and a request naming several origins, in one {@code Origin} header or in
 *       several) gets no CORS header, so browsers keep its pages out; clients that are not browsers are unaffected
 *       either way.</li>
 * </ul>
 * No cookies are involved (the API takes bearer tokens), so {@code Access-Control-Allow-Credentials} is never sent.
 * With no origin allowed it is not registered at all.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR - 200)
final class CrossOriginRequests implements ContainerRequestFilter, ContainerResponseFilter {

    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";
    static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String HEADERS = "Authorization, Content-Type";
    /** How long a browser may keep a preflight's answer, in seconds. */
    static final String PREFLIGHT_SECONDS = "600";

    private final Set<String> allowedOrigins;

    /** @param allowedOrigins lower case, as {@link RestSettings#allowedOrigins()} holds them; not empty */
    CrossOriginRequests(Set<String> allowedOrigins) {
        if (allowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("No origin is allowed: leave CORS off instead");
        }
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod())
                && request.getHeaderString("Access-Control-Request-Method") != null
                && allowedOrigin(request) != null) {
            request.abortWith(Response.noContent().build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        Object vary = headers.getFirst("Vary");
        if (vary == null) {
            headers.putSingle("Vary", "Origin");
        } else if (!vary.toString().contains("Origin")) {
            headers.putSingle("Vary", vary + ", Origin");
        }
        String origin = allowedOrigin(request);
        if (origin != null) {
            headers.putSingle(ALLOW_ORIGIN, origin);
            headers.putSingle(ALLOW_METHODS, METHODS);
            headers.putSingle(ALLOW_HEADERS, HEADERS);
            headers.putSingle(MAX_AGE, PREFLIGHT_SECONDS);
        }
    }

    /**
     * The request's origin when it is an allowed one, as sent (trimmed), or null: without an {@code Origin} header, with
     * another origin, and with more than one origin, in one header or in several (a browser sends one header holding
     * one origin, RFC 6454 §7.3; reading only the first would let {@code Origin: <allowed>, <other>} through).
     */
    private String allowedOrigin(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get("Origin");
        if (values == null || values.size() != 1 || values.get(0) == null) {
            return null;
        }
        String origin = values.get(0).trim();
        return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT)) ? origin : null;
    }
}
