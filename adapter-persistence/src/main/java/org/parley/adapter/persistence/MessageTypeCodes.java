package org.parley.adapter.persistence;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.parley.domain.chat.MessageType;

/**
 * How a {@link MessageType} is coded in the {@code messages.message_type} column: {@code "text"}, {@code "file"} and
 * {@code "user_profile"}. These are storage codes, owned here and fixed by the rows already written (and by the
 * schema's {@code ck_messages_content} check): they happen to read like the seed API's {@code message_type} names, but
 * an API that renamed a type would not change them, and changing one here would need a data migration.
 */
final class MessageTypeCodes {

    /** Every code {@link #codeOf} gives, to its type: read once per stored or listed message, so a map, not a scan. */
    private static final Map<String, MessageType> BY_CODE = Arrays.stream(MessageType.values())
            .collect(Collectors.toUnmodifiableMap(MessageTypeCodes::codeOf, type -> type));

    private MessageTypeCodes() {
    }

    /** The column's code for {@code type}; a new {@link MessageType} is a compile error here until it has one. */
    static String codeOf(MessageType type) {
        return switch (type) {
            case TEXT -> "text";
            case FILE -> "file";
            case USER_PROFILE -> "user_profile";
        };
    }

    /** The type a column's code stands for; empty for a code no version of Parley wrote. */
    static Optional<MessageType> typeOf(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(BY_CODE.get(code));
    }
}
