package org.parley.adapter.persistence;

import java.util.List;
import java.util.UUID;

import org.parley.application.port.out.DraftToStore;

/**
 * The {@code client_msg_id}s this server stored (or tried to) lately, so that group commit looks keys up in the
 * database only when a repeat is likely (contract §14). A client resends after a reconnect, usually to the same server
 * within seconds: its keys are found here, and the batch looks them up ({@link SentKeys}). A key this server has not
 * seen lately is inserted without a look-up; should it be stored already (sent through another server, or before a
 * restart), the insert fails on {@code uq_messages_sender_client_msg_id} and the batch is stored again with the look-up
 * (at most {@link HibernateMessageRepository#ATTEMPTS} attempts). So the unique constraint stays the arbiter, and a
 * batch of fresh keys costs no statement more than a batch without keys.
 *
 * <p>Holds a 64-bit fingerprint of each (sender, key), the last {@link #CAPACITY}, oldest forgotten first; a
 * fingerprint shared by two keys only costs a look-up. Thread-safe.
 *
 * <p><b>No object per key.</b> The fingerprints live in two arrays allocated once (1.5 MB): a ring in the order they
 * were remembered and an open-addressing table (linear probing, twice the capacity) to find them. A map of boxed
 * fingerprints kept two objects per key (a {@code LinkedHashMap} entry and a {@code Long}, 56 bytes) for about 33 s
 * at 2,000 keyed messages/s, which each young collection copied again until they were old enough to be promoted:
 * 65,536 keys, 3.7 MB per collection (docs/PERFORMANCE.md, "Fewer, fuller commits at low rates").
 */
final class RecentKeys {

    /** How many recent keys are remembered. */
    static final int CAPACITY = 65_536;
    /** The table's size: a power of two, twice the capacity, so probes stay short. */
    private static final int TABLE_SIZE = 2 * CAPACITY;
    /** Marks an empty slot of the table; a fingerprint of this value is stored as {@link #ZERO_STANDS_IN}. */
    private static final long EMPTY = 0;
    private static final long ZERO_STANDS_IN = 1;

    private final long[] table = new long[TABLE_SIZE];
    /** The fingerprints remembered, oldest at {@link #oldest} once full. */
    private final long[] ring = new long[CAPACITY];
    private int size;
    private int oldest;

    /**
     * Remembers the keys of {@code batch}.
     *
     * @return whether any of them was remembered already (a repeat is likely: look the keys up)
     */
    boolean rememberAll(List<DraftToStore> batch) {
        boolean seen = false;
        synchronized (table) {
            for (DraftToStore draft : batch) {
                if (draft.clientMessageId().isPresent()) {
                    seen |= !remember(fingerprint(draft.draft().sender().value(),
                            draft.clientMessageId().get().value()));
                }
            }
        }
        return seen;
    }

    /** {@link #remember} under the lock (tests). */
    boolean rememberFingerprint(long fingerprint) {
        synchronized (table) {
            return remember(fingerprint);
        }
    }

    /** Remembers {@code fingerprint}; false when it was remembered already (then nothing changes). */
    private boolean remember(long fingerprint) {
        long key = fingerprint == EMPTY ? ZERO_STANDS_IN : fingerprint;
        int slot = slotOf(key);
        while (table[slot] != EMPTY) {
            if (table[slot] == key) {
                return false;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        if (size == CAPACITY) {
            forget(ring[oldest]);
            ring[oldest] = key;
            oldest = (oldest + 1) % CAPACITY;
            slot = slotOf(key);
            while (table[slot] != EMPTY) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
        } else {
            ring[size++] = key;
        }
        table[slot] = key;
        return true;
    }

    /** Removes {@code key} from the table, moving back the entries after it so that every probe still finds its own. */
    private void forget(long key) {
        int slot = slotOf(key);
        while (table[slot] != key) {
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        int hole = slot;
        int next = (hole + 1) & (TABLE_SIZE - 1);
        while (table[next] != EMPTY) {
            int home = slotOf(table[next]);
            // The entry at next may fill the hole unless its home lies cyclically in (hole, next].
            if (((next - home) & (TABLE_SIZE - 1)) >= ((next - hole) & (TABLE_SIZE - 1))) {
                table[hole] = table[next];
                hole = next;
            }
            next = (next + 1) & (TABLE_SIZE - 1);
        }
        table[hole] = EMPTY;
    }

    private static int slotOf(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed >>> 47) & (TABLE_SIZE - 1);
    }

    /** How many fingerprints are remembered (tests). */
    int size() {
        synchronized (table) {
            return size;
        }
    }

    private static long fingerprint(UUID sender, String key) {
        long hash = sender.getMostSignificantBits() * 0x9E3779B97F4A7C15L ^ sender.getLeastSignificantBits();
        for (int i = 0; i < key.length(); i++) {
            hash = (hash ^ key.charAt(i)) * 0x100000001B3L;
        }
        return hash;
    }
}
