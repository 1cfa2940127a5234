package org.parley.application.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Pages that go back in time: read newest first with one message more than the limit, to know if older ones remain. */
final class NewestFirstPages {

    private NewestFirstPages() {
    }

    /** @param found up to {@code limit + 1} messages, newest first */
    static ConversationPage of(List<Message> found, int limit, Map<UserId, User> people) {
        boolean hasMore = found.size() > limit;
        List<Message> newestFirst = hasMore ? found.subList(0, limit) : found;
        Optional<MessageId> nextBefore = hasMore
                ? Optional.of(newestFirst.get(newestFirst.size() - 1).id()) : Optional.empty();
        return new ConversationPage(newestFirst, people, hasMore, nextBefore, Optional.empty());
    }
}
