package org.parley.application.error;

import java.util.Objects;

/**
 * The caller could not be authenticated. The {@link Reason} is for logs and tests; what the caller is told does not
 * distinguish between, say, a wrong e-mail and a wrong password.
 */
public final class AuthenticationFailed extends UseCaseFailure {

    public enum Reason {
        MISSING_TOKEN,
        INVALID_TOKEN,
        EXPIRED_TOKEN,
        WRONG_TOKEN_TYPE,
        UNKNOWN_USER,
        INACTIVE_USER,
        BAD_CREDENTIALS
    }

    private final Reason reason;

    public AuthenticationFailed(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public static AuthenticationFailed badCredentials() {
        return new AuthenticationFailed(Reason.BAD_CREDENTIALS, "No active account found with the given credentials");
    }

    public static AuthenticationFailed token(Reason reason) {
        return new AuthenticationFailed(reason, "Given token not valid for any token type");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.authenticationFailed(this);
    }
}
