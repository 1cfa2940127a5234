package org.parley.domain.delivery;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * The id a client gives its own send request ({@code client_msg_id}), so it can match the confirmation to the request.
 * Parley only echoes it: in the {@code conf_message} of the stored message and in error frames for that request.
 * At most {@value #MAX_LENGTH} UTF-16 code units, not empty, valid Unicode.
 */
public record ClientMessageId(String value) {

    public static final int MAX_LENGTH = 64;

    public ClientMessageId {
        if (value == null || value.isEmpty()) {
            throw new DomainRuleViolation(RuleSubject.CLIENT_MESSAGE_ID, "client_msg_id cannot be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new DomainRuleViolation(RuleSubject.CLIENT_MESSAGE_ID, "client_msg_id can have at most " + MAX_LENGTH + " characters");
        }
        WellFormedText.require(RuleSubject.CLIENT_MESSAGE_ID, value);
    }
}
