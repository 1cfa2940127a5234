package org.parley.adapter.rest;

import java.util.List;
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

    private final CrossOriginPolicy policy;

    /** @param allowedOrigins as {@link RestSettings#allowedOrigins()} holds them; not empty */
    CrossOriginRequests(Set<String> allowedOrigins) {
        this.policy = new CrossOriginPolicy(allowedOrigins);
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
        headers.putSingle("Vary", CrossOriginPolicy.varyByOrigin(vary == null ? null : vary.toString()));
        String origin = allowedOrigin(request);
        if (origin != null) {
            CrossOriginPolicy.headersFor(origin).forEach(headers::putSingle);
        }
    }

    private String allowedOrigin(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get("Origin");
        return policy.allowedOrigin(values == null ? List.of() : values);
    }
}
