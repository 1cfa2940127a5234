package org.parley.benchmarks;

import java.util.concurrent.atomic.AtomicLong;


/** One sending user: numbers its messages ({@code <prefix>-<n>}), enters each in the ledger and sends it. */
final class Sender {

    private final String prefix;
    private final String receiverId;
    private final Ledger ledger;
    private final AtomicLong sequence = new AtomicLong();
    private volatile ChatConnection connection;

    Sender(String prefix, String receiverId, Ledger ledger) {
        this.prefix = prefix;
        this.receiverId = receiverId;
        this.ledger = ledger;
    }

    /** The start of every client id this sender uses: {@code <prefix>-}. */
    String prefix() {
        return prefix + "-";
    }

    void attach(ChatConnection connection) {
        this.connection = connection;
    }

    /** Whether this sender's connection is open now (the storm mode skips a turn while it is not). */
    boolean connected() {
        ChatConnection current = connection;
        return current != null && current.isOpen();
    }

    /** Sends the next message, stamped with {@code sendNanos} (when it was sent, or when it was due). */
    void send(long sendNanos) {
        String clientMsgId = prefix + "-" + sequence.incrementAndGet();
        ledger.sent(clientMsgId, sendNanos);
        connection.send(Frames.textMessage(receiverId, clientMsgId));
    }
}
