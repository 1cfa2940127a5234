package org.parley.application.testing;

import java.util.Objects;

import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;

/**
 * The three stores of a chat, sharing one backing store: what the repository contract tests run against. Threads and
 * messages refer to users, and thread activity reads messages, so the three must see each other's writes.
 */
public record ChatStorage(UserAccounts users, ThreadRepository threads, MessageRepository messages) {

    public ChatStorage {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(messages, "messages");
    }
}
