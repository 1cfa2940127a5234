package org.parley.application.port.in;

import java.util.Objects;

import org.parley.application.error.AuthenticationFailed;
import org.parley.domain.user.User;

/** Exchange e-mail and password for an access and a refresh token. */
public interface LogIn {

    /**
     * @throws AuthenticationFailed the same way for an unknown e-mail, a wrong password and an inactive account
     * @throws org.parley.application.error.RateLimited when the address had too many failed log-ins in its window
     *         (contract §16), whether or not an account has it
     */
    TokenGrant logIn(Command command);

    record Command(String email, String password) {
        @Override
        public String toString() {
            return "LogIn.Command[email=" + email + ", password=***]";
        }
    }

    record TokenGrant(String access, String refresh, User user) {
        public TokenGrant {
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(refresh, "refresh");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String toString() {
            return "TokenGrant[user=" + user.id() + ", tokens=***]";
        }
    }
}
