package org.parley.wire;

import org.parley.domain.chat.MessageType;

/** The seed API's {@code message_type} names: {@code "text"}, {@code "file"} and {@code "user_profile"}. */
public final class MessageTypeNames {

    private MessageTypeNames() {
    }

    /** The name clients see in {@code message_type}; a new {@link MessageType} is a compile error here until named. */
    public static String of(MessageType type) {
        return switch (type) {
            case TEXT -> "text";
            case FILE -> "file";
            case USER_PROFILE -> "user_profile";
        };
    }
}
