package org.parley.adapter.persistence.archfixture;

import org.parley.domain.chat.MessageType;
import org.parley.wire.MessageTypeNames;

/**
 * Deliberately wrong (architecture-rule fixture): storage coding a column with the API's words, so renaming a word on
 * the wire would silently change what rows mean.
 */
public class StorageSpeakingTheWireVocabulary {
    public String column(MessageType type) {
        return MessageTypeNames.of(type);
    }
}
