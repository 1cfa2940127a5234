package org.parley.application.port.out;

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

    /** No limit (the rate set to 0, for example for load benchmarks). */
    static SendBudget unlimited() {
        return sender -> Admission.grant();
    }
}
