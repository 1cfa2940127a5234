package org.parley.domain.delivery;

import java.util.Objects;

import org.parley.domain.user.UserId;

/** One event for every open connection of one user, who receives it as {@code audience}. */
public record Delivery(UserId recipient, Audience audience) {

    public Delivery {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(audience, "audience");
    }
}
