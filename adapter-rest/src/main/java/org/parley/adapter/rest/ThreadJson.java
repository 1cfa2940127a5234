package org.parley.adapter.rest;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListMyThreads.ThreadSummary;

/** One entry of {@code GET /chat/user/threads/}: the thread, the other participant and the latest message or null. */
record ThreadJson(
        @JsonProperty("id") long id,
        @JsonProperty("other_user") UserJson otherUser,
        @JsonProperty("last_message") MessageJson lastMessage,
        @JsonProperty("created_at") String createdAt) {

    static ThreadJson of(ThreadSummary summary, LinkToAttachment links) {
        var people = Map.of(summary.me().id(), summary.me(), summary.otherUser().id(), summary.otherUser());
        return new ThreadJson(
                summary.thread().id().value(),
                UserJson.of(summary.otherUser()),
                summary.lastMessage().map(message -> MessageJson.of(message, people, links)).orElse(null),
                WireFormat.timestamp(summary.thread().createdAt()));
    }
}
