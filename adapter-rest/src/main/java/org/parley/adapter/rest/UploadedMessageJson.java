package org.parley.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The message in the answer to {@code POST /chat/attachment/}: the message shape of {@code /chat/messages/} (its
 * {@code seen}, contract §11, and {@code deleted}, contract §12, included), plus the seed's upload-only keys
 * {@code created} and {@code updated}, so that clients written against either shape find what they read.
 */
record UploadedMessageJson(
        @JsonUnwrapped MessageJson message,
        @JsonProperty("created") String created,
        @JsonProperty("updated") String updated) {

    static UploadedMessageJson of(MessageJson message) {
        return new UploadedMessageJson(message, message.createdAt(), message.updatedAt());
    }
}
