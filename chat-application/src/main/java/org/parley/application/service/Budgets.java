package org.parley.application.service;

import org.parley.application.error.RateLimited;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.SendBudget;
import org.parley.domain.user.UserId;

/**
 * The send rate (contract §16), as every use case that stores a message a user sends applies it: once the message
 * has passed its own checks (which read nothing), before anything is read or stored for it.
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
