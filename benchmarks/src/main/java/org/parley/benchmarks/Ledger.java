package org.parley.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The account of every message a run sent: each must be confirmed to its sender ({@code conf_message} with its
 * {@code client_msg_id}) and received by its receiver ({@code re_message}) exactly once, both carrying the same
 * {@code created_msg_id}. Thread-safe: frames arrive on the websocket client's threads.
 */
final class Ledger {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong unknownFrames = new AtomicLong();
    private final AtomicLong deliveredCount = new AtomicLong();

    /** Records a message about to be sent; returns false when that client_msg_id was already used. */
    boolean sent(String clientMsgId, long sendNanos) {
        return entries.putIfAbsent(clientMsgId, new Entry(sendNanos)) == null;
    }

    /** A {@code conf_message} for {@code clientMsgId}. Returns the send time, or -1 when the id is unknown. */
    long confirmed(String clientMsgId, long createdMsgId) {
        Entry entry = entries.get(clientMsgId);
        if (entry == null) {
            unknownFrames.incrementAndGet();
            return -1;
        }
        entry.confirm(createdMsgId);
        return entry.sendNanos;
    }

    /**
     * A {@code re_message} whose body names {@code clientMsgId}. Returns the send time of the message's first delivery,
     * or -1 for a repeated delivery or an unknown id: neither is timed (a duplicate would time one message twice).
     */
    long received(String clientMsgId, long createdMsgId) {
        Entry entry = entries.get(clientMsgId);
        if (entry == null) {
            unknownFrames.incrementAndGet();
            return -1;
        }
        if (entry.receive(createdMsgId)) {
            deliveredCount.incrementAndGet();
            return entry.sendNanos;
        }
        return -1;
    }

    /** Messages received at least once so far. */
    long delivered() {
        return deliveredCount.get();
    }

    /** True when every message sent so far was confirmed and received at least once. */
    boolean complete() {
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                if (entry.confirmations == 0 || entry.receipts == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    Reconciliation reconcile() {
        long sent = 0;
        long confirmed = 0;
        long received = 0;
        long lost = 0;
        long duplicated = 0;
        long mismatched = 0;
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                sent++;
                if (entry.confirmations > 0) {
                    confirmed++;
                }
                if (entry.receipts > 0) {
                    received++;
                }
                if (entry.confirmations == 0 || entry.receipts == 0) {
                    lost++;
                }
                duplicated += Math.max(0, entry.confirmations - 1) + Math.max(0, entry.receipts - 1);
                if (entry.mismatched || (entry.confirmedId != 0 && entry.receivedId != 0
                        && entry.confirmedId != entry.receivedId)) {
                    mismatched++;
                }
            }
        }
        return new Reconciliation(sent, confirmed, received, lost, duplicated, mismatched, unknownFrames.get());
    }

    /**
     * One message's account: a single small object under its own lock, as a run keeps one per message it sent (a
     * million or more), and every frame of the message looks its entry up.
     */
    private static final class Entry {
        final long sendNanos;
        int confirmations;
        int receipts;
        long confirmedId;
        long receivedId;
        boolean mismatched;

        Entry(long sendNanos) {
            this.sendNanos = sendNanos;
        }

        synchronized void confirm(long createdMsgId) {
            confirmations++;
            if (confirmedId == 0) {
                confirmedId = createdMsgId;
            }
            mismatched |= confirmedId != createdMsgId;
        }

        /** Returns whether this was the message's first receipt. */
        synchronized boolean receive(long createdMsgId) {
            receipts++;
            if (receivedId == 0) {
                receivedId = createdMsgId;
            }
            mismatched |= receivedId != createdMsgId;
            return receipts == 1;
        }
    }

    /**
     * The outcome of a run's accounting.
     *
     * @param lost       messages missing their confirmation, their delivery, or both
     * @param duplicated confirmations and deliveries beyond the first of each message
     * @param mismatched messages whose confirmation and delivery named different {@code created_msg_id}s
     * @param unknown    frames naming a message this run never sent
     */
    record Reconciliation(long sent, long confirmed, long received, long lost, long duplicated, long mismatched,
                          long unknown) {

        boolean clean() {
            return lost == 0 && duplicated == 0 && mismatched == 0 && unknown == 0;
        }
    }
}
