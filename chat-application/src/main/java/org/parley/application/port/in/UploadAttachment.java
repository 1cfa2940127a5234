package org.parley.application.port.in;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import org.parley.application.error.TooLarge;
import org.parley.application.error.UnknownUser;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.chat.Message;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Store an uploaded file and the file message that carries it, in the pair's thread. Nothing is delivered: the sender
 * announces the message afterwards ({@link AnnounceFileMessage}), as the seed API does.
 */
public interface UploadAttachment {

    /**
     * @throws UnknownUser when the receiver does not exist or is inactive (checked before any byte is stored)
     * @throws DomainRuleViolation when the receiver is the sender
     * @throws TooLarge when the file is above the configured maximum; nothing is kept then
     */
    Uploaded upload(Command command);

    /**
     * @param caption  the message text; {@code null} or blank for none (kept as {@code ""})
     * @param fileName the client's name for the file, cleaned before it is kept; {@code null} for none
     * @param content  the file's bytes, read to the end but not closed
     */
    record Command(UserId sender, UserId receiver, String caption, String fileName, InputStream content) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * The stored message, with both participants to expand it, and whether its receiver has read it (their read marker
     * is at or past it: contract §11).
     */
    record Uploaded(Message message, Map<UserId, User> people, boolean seen) {
        public Uploaded {
            Objects.requireNonNull(message, "message");
            people = Map.copyOf(people);
        }

        /** Not seen yet. */
        public Uploaded(Message message, Map<UserId, User> people) {
            this(message, people, false);
        }

        /** This upload, seen or not. */
        public Uploaded seen(boolean seenByReceiver) {
            return new Uploaded(message, people, seenByReceiver);
        }
    }
}
