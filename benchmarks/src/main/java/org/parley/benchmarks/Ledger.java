package org.parley.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The account of every message a run sent: each must be confirmed to its sender ({@code conf_message} with its
 * {@code client_msg_id}) and received by its receiver ({@code re_message}) exactly once, both carrying the same
 * {@code created_msg_id}. Thread-safe: frames arrive on the websocket client's threads.
 *
 * <p>Across a server restart (the storm mode) a receiver also catches up over REST ({@link #caughtUp}): a message
 * listed there counts as received once, whether or not its frame came too (that overlap is expected, not a
 * duplicate; a second <em>frame</em> still is one), and {@link #reconcileAcrossRestart} forgives a message that was
 * never confirmed (the restart may have cut it off before or after it was stored).
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

    /**
     * A message listed by a receiver's catch-up ({@code GET /chat/messages/<sender>/?after=}) under id
     * {@code createdMsgId}: it counts as received, once, together with its frames. Listed under another id than its
     * frame or confirmation named, it is counted as mismatched (a message stored twice). Returns whether this is the
     * first time the receiver saw the message at all (neither frame nor earlier catch-up).
     */
    boolean caughtUp(String clientMsgId, long createdMsgId) {
        Entry entry = entries.get(clientMsgId);
        if (entry == null) {
            unknownFrames.incrementAndGet();
            return false;
        }
        return entry.catchUp(createdMsgId);
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

    /**
     * True when, across a restart, the run has settled: every confirmed message was seen by its receiver (frame or
     * catch-up), and every message sent at or after {@code sentFromNanos} (when all clients were back) was confirmed.
     */
    boolean settledAcrossRestart(long sentFromNanos) {
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                if (entry.confirmations > 0 ? !entry.seen() : entry.sendNanos - sentFromNanos >= 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The accounting of a run without a restart: a message never confirmed or never received is lost. */
    Reconciliation reconcile() {
        return reconcile(false);
    }

    /**
     * The accounting across a restart: lost are the messages confirmed and never seen by their receiver, neither as a
     * frame nor in a catch-up; a message never confirmed is not lost (it may or may not have been stored), and
     * {@link AcrossRestart} says how many of those were stored after all.
     */
    AcrossRestart reconcileAcrossRestart() {
        long overlap = 0;
        long caughtUpOnly = 0;
        long unconfirmedStored = 0;
        long unconfirmedUnseen = 0;
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                if (entry.receipts > 0 && entry.caughtUp) {
                    overlap++;
                } else if (entry.caughtUp) {
                    caughtUpOnly++;
                }
                if (entry.confirmations == 0) {
                    if (entry.seen()) {
                        unconfirmedStored++;
                    } else {
                        unconfirmedUnseen++;
                    }
                }
            }
        }
        return new AcrossRestart(reconcile(true), overlap, caughtUpOnly, unconfirmedStored, unconfirmedUnseen);
    }

    private Reconciliation reconcile(boolean acrossRestart) {
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
                if (entry.seen()) {
                    received++;
                }
                if (acrossRestart ? entry.confirmations > 0 && !entry.seen()
                        : entry.confirmations == 0 || !entry.seen()) {
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
        boolean caughtUp;

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

        /** Returns whether the message had not been seen before (no frame, no earlier catch-up). */
        synchronized boolean catchUp(long createdMsgId) {
            boolean first = !seen();
            long known = receivedId != 0 ? receivedId : confirmedId;
            mismatched |= known != 0 && known != createdMsgId;
            if (receivedId == 0) {
                receivedId = createdMsgId;
            }
            caughtUp = true;
            return first;
        }

        /** Seen by the receiver, as a frame or in a catch-up. */
        boolean seen() {
            return receipts > 0 || caughtUp;
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
    /**
     * The accounting across a restart.
     *
     * @param totals            as for any run, with {@code lost} the confirmed messages never seen by their receiver
     *                          and {@code received} those seen as a frame or in a catch-up
     * @param overlap           messages seen both as a frame and in a catch-up (expected: counted once)
     * @param caughtUpOnly      messages seen only in a catch-up (their frame never came)
     * @param unconfirmedStored messages never confirmed that their receiver saw all the same
     * @param unconfirmedUnseen messages never confirmed and never seen (cut off by the restart: not lost)
     */
    record AcrossRestart(Reconciliation totals, long overlap, long caughtUpOnly, long unconfirmedStored,
                         long unconfirmedUnseen) {
    }

    record Reconciliation(long sent, long confirmed, long received, long lost, long duplicated, long mismatched,
                          long unknown) {

        boolean clean() {
            return lost == 0 && duplicated == 0 && mismatched == 0 && unknown == 0;
        }
    }
}
