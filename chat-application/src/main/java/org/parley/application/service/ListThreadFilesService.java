package org.parley.application.service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.application.port.in.ListThreadFiles;
import org.parley.application.port.in.PageRequest;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Pages back through a thread's file messages (below {@code before}, above {@code after} when given). */
public final class ListThreadFilesService implements ListThreadFiles {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final MessageRepository messages;
    private final ReadMarkerRepository markers;

    public ListThreadFilesService(UserAccounts users, ThreadRepository threads, MessageRepository messages,
            ReadMarkerRepository markers) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.markers = Objects.requireNonNull(markers, "markers");
    }

    @Override
    public ConversationPage list(Query query) {
        ChatThread thread = threads.findById(query.thread())
                .filter(found -> found.includes(query.viewer()))
                .orElseThrow(() -> new NotFound("Thread not found"));
        PageRequest page = query.page();
        Map<UserId, User> people = users.findAllById(
                List.of(thread.participants().first(), thread.participants().second()));
        if (page.beforeTheFirstMessage()) {
            return NewestFirstPages.of(List.of(), page.limit(), people);
        }
        MessageRange range = new MessageRange(page.afterMessage(), page.beforeMessage(),
                MessageRange.Direction.NEWEST_FIRST);
        return ListConversationService.withReadState(
                NewestFirstPages.of(messages.findFilesInThread(thread.id(), range, page.limit() + 1), page.limit(), people),
                thread, markers);
    }
}
