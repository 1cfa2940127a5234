package org.parley.application.port.out;

import java.util.Optional;

import org.parley.domain.user.UserId;

/**
 * How many messages each user may store now (contract §16: {@link SendRate}, shared by every node of a deployment).
 * Every use case that stores or delivers a message a user sends (text, shared profile, upload, an announced file
 * message) takes one from the sender's budget before storing or delivering it, and stores and delivers nothing when
 * refused.
 *
 * <p>Implementations: one node's own (in the application's {@code cluster} package), and one shared by the nodes of a
 * deployment (the Redis adapter). Never throws: while a shared budget's store cannot be asked, this node's own budget
 * decides instead.
 */
public interface SendBudget {

    /** Takes one message from {@code sender}'s budget, or says how long until one is there. */
    Admission take(UserId sender);

    /**
     * As {@link #take}, when this budget can answer from this node's memory without waiting for anything (no network,
     * no storage, no lock held by a slow caller): a node's own budget can, one shared through Redis cannot. Empty when
     * it cannot answer so: then nothing was taken, and {@link #take} must be asked instead. The default cannot.
     */
    default Optional<Admission> takeFromMemory(UserId sender) {
        return Optional.empty();
    }

    /**
     * Puts back the one message a granted {@link #takeFromMemory} took, when that message was not sent after all (for
     * example: storage had no room to queue it without waiting, and it is sent through the ordinary way, which takes
     * again). Never blocks; a full bucket stays full. The default does nothing (it takes nothing from memory).
     */
    default void giveBack(UserId sender) {
    }

    /** No limit (the rate set to 0, for example for load benchmarks): answers from memory, always granted. */
    static SendBudget unlimited() {
        return new SendBudget() {
            @Override
            public Admission take(UserId sender) {
                return Admission.grant();
            }

            @Override
            public Optional<Admission> takeFromMemory(UserId sender) {
                return Optional.of(Admission.grant());
            }
        };
    }
}
