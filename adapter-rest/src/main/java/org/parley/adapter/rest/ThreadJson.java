package org.parley.adapter.rest;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListMyThreads.ThreadSummary;

/**
 * One entry of {@code GET /chat/user/threads/}: the thread, the other participant, the latest message or null (with its
 * {@code seen}), and the caller's {@code unread_count} (contract §11: messages to the caller above the caller's marker).
 */
record ThreadJson(
        @JsonProperty("id") long id,
        @JsonProperty("other_user") UserJson otherUser,
        @JsonProperty("last_message") MessageJson lastMessage,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("unread_count") long unreadCount) {

    static ThreadJson of(ThreadSummary summary, LinkToAttachment links) {
        var people = Map.of(summary.me().id(), summary.me(), summary.otherUser().id(), summary.otherUser());
        return new ThreadJson(
                summary.thread().id().value(),
                UserJson.of(summary.otherUser()),
                summary.lastMessage().map(message -> MessageJson.of(message, people, links, summary.lastMessageSeen()))
                        .orElse(null),
                WireFormat.timestamp(summary.thread().createdAt()),
                summary.unreadCount());
    }
}
