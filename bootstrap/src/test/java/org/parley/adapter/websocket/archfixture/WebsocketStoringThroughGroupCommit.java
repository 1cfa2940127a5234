package org.parley.adapter.websocket.archfixture;

import org.parley.application.groupcommit.MessageWriter;
import org.parley.domain.chat.MessageDraft;

/**
 * Deliberately wrong (architecture-rule fixture): a driving adapter handing a message to the group-commit engine
 * itself, around the use case that checks it.
 */
public class WebsocketStoringThroughGroupCommit {
    public Object store(MessageWriter writer, MessageDraft draft) {
        return writer.store(draft);
    }
}
