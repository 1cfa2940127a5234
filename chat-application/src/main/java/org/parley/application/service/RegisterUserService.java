package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.in.RegisterUser;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

public final class RegisterUserService implements RegisterUser {

    private final UserAccounts users;
    private final PasswordHasher hasher;
    private final TimeSource time;

    public RegisterUserService(UserAccounts users, PasswordHasher hasher, TimeSource time) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public User register(Command command) {
        UserDetailsValidation valid = UserDetailsValidation.of(command.details())
                .checkPassword(command.password())
                .orThrow();
        User user = User.joined(UserId.random(), valid.email(), valid.profile(), time.now());
        users.add(new Account(user, Optional.of(hasher.hash(command.password()))));
        return user;
    }
}
