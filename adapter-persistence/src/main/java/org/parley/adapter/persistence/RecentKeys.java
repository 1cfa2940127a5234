package org.parley.adapter.persistence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Holds a 64-bit fingerprint of each (sender, key), the last {@link #CAPACITY}; a fingerprint shared by two keys
 * only costs a look-up. Thread-safe.
 */
final class RecentKeys {

    /** How many recent keys are remembered (about 3 MB). */
    static final int CAPACITY = 65_536;

    private final Map<Long, Boolean> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * Remembers the keys of {@code batch}.
     *
     * @return whether any of them was remembered already (a repeat is likely: look the keys up)
     */
    boolean rememberAll(List<DraftToStore> batch) {
        boolean seen = false;
        synchronized (recent) {
            for (DraftToStore draft : batch) {
                if (draft.clientMessageId().isPresent()) {
                    Long fingerprint = fingerprint(draft.draft().sender().value(),
                            draft.clientMessageId().get().value());
                    seen |= recent.put(fingerprint, Boolean.TRUE) != null;
                }
            }
        }
        return seen;
    }

    private static long fingerprint(UUID sender, String key) {
        long hash = sender.getMostSignificantBits() * 0x9E3779B97F4A7C15L ^ sender.getLeastSignificantBits();
        for (int i = 0; i < key.length(); i++) {
            hash = (hash ^ key.charAt(i)) * 0x100000001B3L;
        }
        return hash;
    }
}
