package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.NotFound;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * The caller has read everything up to and including a message of one of their threads (contract §11: the websocket's
 * {@code seen} action and {@code POST /chat/thread/<id>/seen/}). Moves the caller's read marker there (never back) and
 * tells the other participant's connections and the caller's own ({@code seen_message}).
 */
public interface MarkSeen {

    /**
     * @throws NotFound when the message does not exist, the caller neither sent nor received it, or it is not in the
     *                  thread the command names
     */
    Marked mark(Command command);

    /**
     * @param reader          the caller
     * @param message         the latest message read
     * @param inThread        the thread the message must be in (REST names it in the path); empty: its own thread
     * @param clientMessageId the caller's id for the request, echoed in the caller's {@code seen_message}
     */
    record Command(UserId reader, MessageId message, Optional<ThreadId> inThread,
                   Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(inThread, "inThread");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }

    /**
     * @param thread the message's thread
     * @param marker the caller's marker after the call: the message marked, or a later one marked before
     */
    record Marked(ThreadId thread, MessageId marker) {
        public Marked {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(marker, "marker");
        }
    }
}
