package org.parley.adapter.rest;

import java.util.Objects;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.domain.user.User;

/**
 * Lets a request reach an {@link Authenticated} method only with {@code Authorization: Bearer <access token>} of an
 * active user, whom it records as the request's {@link Caller}. Anything else ends in {@link AuthenticationFailed},
 * which {@link FailureMapper} answers with 401 and {@code WWW-Authenticate: Bearer}. The token is never logged.
 */
@Authenticated
@Priority(Priorities.AUTHENTICATION)
final class BearerTokenFilter implements ContainerRequestFilter {

    private static final String SCHEME = "bearer ";

    private final AuthenticateToken authenticateToken;

    BearerTokenFilter(AuthenticateToken authenticateToken) {
        this.authenticateToken = Objects.requireNonNull(authenticateToken, "authenticateToken");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        User user = authenticateToken.authenticate(token);
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        request.setSecurityContext(new Caller(user).asSecurityContext(secure));
    }

    /** The token of an {@code Authorization: Bearer …} header; {@link AuthenticationFailed} for anything else. */
    static String bearerToken(String header) {
        if (header == null || header.isBlank()) {
            throw new AuthenticationFailed(AuthenticationFailed.Reason.MISSING_TOKEN,
                    "Authentication credentials were not provided.");
        }
        String value = header.strip();
        // The scheme compared in place, ignoring case, and the token copied once: lowercasing the whole header and
        // cutting the token twice copied it (some hundreds of characters) three times on every request.
        if (!value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
        }
        String token = value.substring(SCHEME.length()).strip();
        if (token.isEmpty()) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
        }
        return token;
    }
}
