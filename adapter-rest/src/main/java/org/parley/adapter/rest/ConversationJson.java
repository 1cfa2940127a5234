package org.parley.adapter.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.domain.chat.MessageId;

/** The {@code data} of {@code GET /chat/messages/<uid>/}: a page of messages, newest first, and how to go on. */
record ConversationJson(
        @JsonProperty("messages") List<MessageJson> messages,
        @JsonProperty("has_more") boolean hasMore,
        @JsonProperty("next_before") Long nextBefore,
        @JsonProperty("next_after") Long nextAfter) {

    static ConversationJson of(ConversationPage page, LinkToAttachment links) {
        return new ConversationJson(
                page.messages().stream()
                        .map(message -> MessageJson.of(message, page.people(), links, page.readState().seen(message)))
                        .toList(),
                page.hasMore(),
                page.nextBefore().map(MessageId::value).orElse(null),
                page.nextAfter().map(MessageId::value).orElse(null));
    }
}
