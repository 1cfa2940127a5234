package org.parley.application.port.in;

import java.util.Objects;

import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.user.User;

/** Create an account that logs in with e-mail and password. */
public interface RegisterUser {

    /**
     * @throws ValidationFailed when a field is missing or malformed, or the password is too weak
     * @throws Conflict when the e-mail address is taken (ignoring case)
     */
    User register(Command command);

    record Command(UserDetails details, String password) {
        public Command {
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String toString() {
            return "RegisterUser.Command[details=" + details + ", password=***]";
        }
    }
}
