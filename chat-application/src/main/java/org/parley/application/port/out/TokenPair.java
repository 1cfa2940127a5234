package org.parley.application.port.out;

import java.util.Objects;

/** An access token and the refresh token that renews it. */
public record TokenPair(String access, String refresh) {

    public TokenPair {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(refresh, "refresh");
    }

    @Override
    public String toString() {
        return "TokenPair[***]";
    }
}
