package org.parley.adapter.rest;

import java.security.Principal;
import java.util.Objects;

import jakarta.ws.rs.core.SecurityContext;

import org.parley.domain.user.User;

/** The authenticated user of a request, as {@link BearerTokenFilter} leaves it in the {@link SecurityContext}. */
record Caller(User user) implements Principal {

    Caller {
        Objects.requireNonNull(user, "user");
    }

    @Override
    public String getName() {
        return user.id().toString();
    }

    /**
     * The caller {@link BearerTokenFilter} recorded in this security context, as {@link CallerParameter} hands it to a
     * resource method's {@code @Context Caller} parameter.
     *
     * @throws IllegalStateException when the method is not guarded (a programming error, answered as a 500)
     */
    static Caller in(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("Resource method reads the caller but is not @Authenticated");
    }

    /** A security context that names this caller, authenticated by bearer token. */
    SecurityContext asSecurityContext(boolean secure) {
        Caller self = this;
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return self;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }
}
