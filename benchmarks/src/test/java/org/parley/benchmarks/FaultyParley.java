package org.parley.benchmarks;

import java.net.URI;
import java.util.EnumSet;
import java.util.Set;

/**
 * A tiny stand-in for Parley that misbehaves on purpose: the {@link ReferenceRelay} (admin upsert, token-checked
 * websocket handshake, {@code text_message} → {@code conf_message} to the sender's connections and {@code re_message}
 * to the receiver's, increasing {@code created_msg_id}s) with {@link ReferenceRelay.Copies} that are wrong for one
 * message per {@link Fault}, counted in the order the server reads them: the third ({@link Fault#LOSE_DELIVERY}), the
 * fifth ({@link Fault#DUPLICATE_DELIVERY}), the seventh ({@link Fault#STORE_TWICE}). With no fault it is the correct
 * relay.
 */
final class FaultyParley implements AutoCloseable {

    /** What the server gets wrong, once each. */
    enum Fault {
        /** The third message is confirmed and never delivered. */
        LOSE_DELIVERY(3),
        /** The fifth message is confirmed once and delivered twice. */
        DUPLICATE_DELIVERY(5),
        /**
         * The seventh message is stored twice under two ids: confirmed under each, and each copy delivered (two
         * confirmations, two deliveries, two ids).
         */
        STORE_TWICE(7);

        final long messageNumber;

        Fault(long messageNumber) {
            this.messageNumber = messageNumber;
        }
    }

    private final ReferenceRelay relay;

    FaultyParley(String adminKey, String jwtSecret, Set<Fault> faults) throws InterruptedException {
        this.relay = ReferenceRelay.start(adminKey, jwtSecret, 0, faulty(faults));
    }

    /** The copies of a correct relay, except for the message each fault strikes. */
    static ReferenceRelay.Copies faulty(Set<Fault> faults) {
        Set<Fault> striking = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        return new ReferenceRelay.Copies() {
            @Override
            public int ids(long messageNumber) {
                return strikes(Fault.STORE_TWICE, messageNumber) ? 2 : 1;
            }

            @Override
            public int deliveries(long messageNumber) {
                return strikes(Fault.LOSE_DELIVERY, messageNumber) ? 0
                        : strikes(Fault.DUPLICATE_DELIVERY, messageNumber) ? 2 : 1;
            }

            private boolean strikes(Fault fault, long messageNumber) {
                return striking.contains(fault) && fault.messageNumber == messageNumber;
            }
        };
    }

    URI httpBase() {
        return relay.httpBase();
    }

    /** {@code text_message} frames read so far. */
    long messagesRead() {
        return relay.messagesRead();
    }

    long usersCreated() {
        return relay.usersCreated();
    }

    @Override
    public void close() {
        relay.close();
    }
}
