package org.parley.application.archfixture;

import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;

/**
 * Deliberately wrong (architecture-rule fixture): stores a message around group commit, so nothing would stop it from
 * delivering the message before the commit, or out of order.
 */
public final class StoringAMessageDirectly {

    public Message store(MessageRepository messages, MessageDraft draft) {
        return messages.append(draft);
    }

    public Message storeWithItsWebhookEvent(MessageRepository messages, MessageDraft draft) {
        return messages.appendNewRecordingEvents(java.util.List.of(
                org.parley.application.port.out.DraftToStore.always(draft))).get(0).message();
    }
}
