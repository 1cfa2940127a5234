package org.parley.application.port.in;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.UnknownUser;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ReadState;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Read a page of the conversation between the caller and another user. */
public interface ListConversation {

    /** @throws UnknownUser when the other user does not exist */
    ConversationPage list(Query query);

    record Query(UserId viewer, UserId otherUser, PageRequest page) {
        public Query {
            Objects.requireNonNull(viewer, "viewer");
            Objects.requireNonNull(otherUser, "otherUser");
            Objects.requireNonNull(page, "page");
        }
    }

    /**
     * @param messages   newest first
     * @param people     both participants, to expand sender and receiver
     * @param hasMore    whether more messages lie beyond this page in the direction of paging (older ones when paging
     *                   back, newer ones when catching up)
     * @param nextBefore the {@code before} that reads the page of older messages, when there are older messages
     * @param nextAfter  the {@code after} that reads the next newer page, when catching up and there are more
     * @param readState  the thread's read markers, read after the messages: {@code seen} of each (contract §11)
     */
    record ConversationPage(
            List<Message> messages,
            Map<UserId, User> people,
            boolean hasMore,
            Optional<MessageId> nextBefore,
            Optional<MessageId> nextAfter,
            ReadState readState) {
        public ConversationPage {
            messages = List.copyOf(messages);
            people = Map.copyOf(people);
            Objects.requireNonNull(nextBefore, "nextBefore");
            Objects.requireNonNull(nextAfter, "nextAfter");
            Objects.requireNonNull(readState, "readState");
        }

        /** A page whose messages nobody has read (or of a thread without messages). */
        public ConversationPage(List<Message> messages, Map<UserId, User> people, boolean hasMore,
                                Optional<MessageId> nextBefore, Optional<MessageId> nextAfter) {
            this(messages, people, hasMore, nextBefore, nextAfter, ReadState.none());
        }

        /** This page with the thread's read markers. */
        public ConversationPage withReadState(ReadState markers) {
            return new ConversationPage(messages, people, hasMore, nextBefore, nextAfter, markers);
        }
    }
}
