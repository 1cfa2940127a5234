package org.parley.application.service;

import org.parley.application.error.UnknownUser;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** The one rule for whom a message may be sent to: an existing, active user. */
final class Receivers {

    private Receivers() {
    }

    /** @throws UnknownUser when {@code receiver} does not exist or is inactive */
    static User requireActive(UserAccounts users, UserId receiver) {
        return users.findById(receiver).filter(User::isActive).orElseThrow(UnknownUser::new);
    }
}
