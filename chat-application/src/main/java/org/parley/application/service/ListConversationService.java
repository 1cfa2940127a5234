package org.parley.application.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.PageRequest;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

public final class ListConversationService implements ListConversation {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final MessageRepository messages;
    private final ReadMarkerRepository markers;

    public ListConversationService(UserAccounts users, ThreadRepository threads, MessageRepository messages,
            ReadMarkerRepository markers) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.markers = Objects.requireNonNull(markers, "markers");
    }

    @Override
    public ConversationPage list(Query query) {
        if (query.viewer().equals(query.otherUser())) {
            throw new UnknownUser();
        }
        Map<UserId, User> people = users.findAllById(List.of(query.viewer(), query.otherUser()));
        if (!people.containsKey(query.otherUser())) {
            throw new UnknownUser();
        }
        Optional<ChatThread> thread = threads.findByParticipants(Participants.of(query.viewer(), query.otherUser()));
        if (thread.isEmpty()) {
            return new ConversationPage(List.of(), people, false, Optional.empty(), Optional.empty());
        }
        PageRequest page = query.page();
        ConversationPage found = page.catchingUp() ? catchUp(thread.get(), page, people)
                : pageBack(thread.get(), page, people);
        return withReadState(found, thread.get(), markers);
    }

    /** {@code page} with its thread's read markers (one query, after the messages), when it shows any message. */
    static ConversationPage withReadState(ConversationPage page, ChatThread thread, ReadMarkerRepository markers) {
        return page.messages().isEmpty() ? page : page.withReadState(markers.findIn(thread.id()));
    }

    /** Newest messages (below {@code before}, above {@code after} when given); older ones remain. */
    private ConversationPage pageBack(ChatThread thread, PageRequest page, Map<UserId, User> people) {
        if (page.beforeTheFirstMessage()) {
            return NewestFirstPages.of(List.of(), page.limit(), people);
        }
        MessageRange range = new MessageRange(page.afterMessage(), page.beforeMessage(),
                MessageRange.Direction.NEWEST_FIRST);
        return NewestFirstPages.of(messages.findInThread(thread.id(), range, page.limit() + 1), page.limit(), people);
    }

    /**
     * The messages right after {@code after} (from the first message for {@code after = 0}), oldest first from
     * storage, shown newest first; newer ones remain.
     */
    private ConversationPage catchUp(ChatThread thread, PageRequest page, Map<UserId, User> people) {
        MessageRange range = new MessageRange(page.afterMessage(), Optional.empty(), MessageRange.Direction.OLDEST_FIRST);
        List<Message> found = messages.findInThread(thread.id(), range, page.limit() + 1);
        boolean hasMore = found.size() > page.limit();
        List<Message> newestFirst = new ArrayList<>(hasMore ? found.subList(0, page.limit()) : found);
        Collections.reverse(newestFirst);
        Optional<MessageId> nextAfter = hasMore ? Optional.of(newestFirst.get(0).id()) : Optional.empty();
        return new ConversationPage(newestFirst, people, hasMore, Optional.empty(), nextAfter);
    }
}
