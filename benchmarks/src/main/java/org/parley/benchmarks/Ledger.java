package org.parley.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
        entry.confirmations.incrementAndGet();
        entry.confirmedId.compareAndSet(0, createdMsgId);
        if (entry.confirmedId.get() != createdMsgId) {
            entry.mismatches.incrementAndGet();
        }
        return entry.sendNanos;
    }

    /**
     * A {@code re_message} whose body names {@code clientMsgId}. Returns the send time, or -1 when the id is unknown.
     */
    long received(String clientMsgId, long createdMsgId) {
        Entry entry = entries.get(clientMsgId);
        if (entry == null) {
            unknownFrames.incrementAndGet();
            return -1;
        }
        if (entry.receipts.incrementAndGet() == 1) {
            deliveredCount.incrementAndGet();
        }
        entry.receivedId.compareAndSet(0, createdMsgId);
        if (entry.receivedId.get() != createdMsgId) {
            entry.mismatches.incrementAndGet();
        }
        return entry.sendNanos;
    }

    /** Messages received at least once so far. */
    long delivered() {
        return deliveredCount.get();
    }

    /** True when every message sent so far was confirmed and received at least once. */
    boolean complete() {
        for (Entry entry : entries.values()) {
            if (entry.confirmations.get() == 0 || entry.receipts.get() == 0) {
                return false;
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
            sent++;
            int confirmations = entry.confirmations.get();
            int receipts = entry.receipts.get();
            if (confirmations > 0) {
                confirmed++;
            }
            if (receipts > 0) {
                received++;
            }
            if (confirmations == 0 || receipts == 0) {
                lost++;
            }
            duplicated += Math.max(0, confirmations - 1) + Math.max(0, receipts - 1);
            long confirmedId = entry.confirmedId.get();
            long receivedId = entry.receivedId.get();
            if (entry.mismatches.get() > 0 || (confirmedId != 0 && receivedId != 0 && confirmedId != receivedId)) {
                mismatched++;
            }
        }
        return new Reconciliation(sent, confirmed, received, lost, duplicated, mismatched, unknownFrames.get());
    }

    private static final class Entry {
        final long sendNanos;
        final AtomicInteger confirmations = new AtomicInteger();
        final AtomicInteger receipts = new AtomicInteger();
        final AtomicLong confirmedId = new AtomicLong();
        final AtomicLong receivedId = new AtomicLong();
        final AtomicInteger mismatches = new AtomicInteger();

        Entry(long sendNanos) {
            this.sendNanos = sendNanos;
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
