package org.parley.application.port.in;

import java.util.Objects;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/** Read a page of the file messages of one of the caller's threads, newest first. */
public interface ListThreadFiles {

    /** @throws NotFound when the thread does not exist or the viewer is not in it */
    ConversationPage list(Query query);

    record Query(UserId viewer, ThreadId thread, PageRequest page) {
        public Query {
            Objects.requireNonNull(viewer, "viewer");
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(page, "page");
        }
    }
}
