package org.parley.application.service;

import org.parley.domain.chat.MessageId;

/** What a media link's signature covers: the message, the storage key and the expiry, in one unambiguous string. */
final class MediaLinks {

    private MediaLinks() {
    }

    static String signedData(MessageId message, String storageKey, long expiresEpochSeconds) {
        return "parley-media:" + message.value() + ":" + storageKey + ":" + expiresEpochSeconds;
    }
}
