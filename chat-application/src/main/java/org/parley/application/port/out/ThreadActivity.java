package org.parley.application.port.out;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;

/** A thread and its latest message, if any. */
public record ThreadActivity(ChatThread thread, Optional<Message> lastMessage) {

    public ThreadActivity {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(lastMessage, "lastMessage");
    }
}
