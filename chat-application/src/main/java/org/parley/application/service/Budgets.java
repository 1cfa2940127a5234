package org.parley.application.service;

import org.parley.application.error.RateLimited;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.SendBudget;
import org.parley.domain.user.UserId;

/**
 * The send rate (contract §16), as every use case that stores or delivers a message a user sends applies it (a text,
 * a shared profile, an upload, a file message announced again): once the message has passed its own checks (which read
 * nothing), before anything is read, stored or delivered for it.
 */
final class Budgets {

    private Budgets() {
    }

    /** @throws RateLimited when {@code sender}'s budget is spent, with the wait until it is not */
    static void takeOne(SendBudget budget, UserId sender) {
        Admission admission = budget.take(sender);
        if (!admission.granted()) {
            throw RateLimited.sending(admission.retryAfter());
        }
    }
}
