package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * Change the text of a text message one sent (contract §12): stored first, then both participants' devices are told
 * ({@link org.parley.application.port.out.MessageEdited}). Takes one message from the sender's send rate (§16).
 */
public interface EditMessage {

    /**
     * @return the message as edited, once the edit is committed (its event is handed to delivery before this returns)
     * @throws NotFound           when the message does not exist or the caller did not send it (indistinguishable)
     * @throws ValidationFailed   when it is not a text message ({@link org.parley.domain.RuleSubject#TEXT})
     * @throws Conflict           when it was deleted ({@link org.parley.domain.RuleSubject#TEXT})
     * @throws DomainRuleViolation when the new text is blank, too long or not valid Unicode (as a new message's)
     * @throws RateLimited        when the caller's send rate is spent (nothing is changed)
     */
    ChangedMessage edit(Command command);

    /**
     * @param editor the caller
     * @param body   the new text, checked as a new text message's ({@link org.parley.domain.chat.MessageRules})
     */
    record Command(UserId editor, MessageId message, String body, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(editor, "editor");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
