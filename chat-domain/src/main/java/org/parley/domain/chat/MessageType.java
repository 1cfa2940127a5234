package org.parley.domain.chat;

import java.util.Arrays;
import java.util.Optional;

/** The three kinds of chat message of the seed API, with the names clients see in {@code message_type}. */
public enum MessageType {
    TEXT("text"),
    FILE("file"),
    USER_PROFILE("user_profile");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MessageType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
