package org.parley.domain.delivery;

import java.util.Objects;

import org.parley.domain.user.UserId;

/** One frame of one kind for every open connection of one user. */
public record Delivery(UserId recipient, DeliveryKind kind) {

    public Delivery {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(kind, "kind");
    }
}
