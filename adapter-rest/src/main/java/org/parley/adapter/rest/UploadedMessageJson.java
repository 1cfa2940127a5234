package org.parley.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The message in the answer to {@code POST /chat/attachment/}: the message shape of {@code /chat/messages/}, plus the
 * seed's upload-only keys {@code created}, {@code updated} and {@code seen} ({@code deleted} is in every message
 * object since contract §12), so that clients written
 * against either shape find what they read.
 */
record UploadedMessageJson(
        @JsonUnwrapped MessageJson message,
        @JsonProperty("created") String created,
        @JsonProperty("updated") String updated,
        @JsonProperty("seen") boolean seen) {

    static UploadedMessageJson of(MessageJson message) {
        return new UploadedMessageJson(message, message.createdAt(), message.updatedAt(), false);
    }
}
