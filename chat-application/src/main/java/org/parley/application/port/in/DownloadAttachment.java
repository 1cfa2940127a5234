package org.parley.application.port.in;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/**
 * Read the file of a message through a link from {@link LinkToAttachment}: allowed with a valid, unexpired signature,
 * or without one for a participant of the message's thread.
 */
public interface DownloadAttachment {

    /** @throws NotFound when the file does not exist or the request may not read it (indistinguishable on purpose) */
    Download download(Query query);

    /**
     * @param storageKey the key segment of the link
     * @param expires    the link's {@code expires} (epoch seconds), when given and numeric
     * @param signature  the link's {@code signature}, when given
     * @param caller     the authenticated caller, when the request carried a valid token
     */
    record Query(MessageId message, String storageKey, Optional<Long> expires, Optional<String> signature,
                 Optional<UserId> caller) {
        public Query {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(storageKey, "storageKey");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** The file's description, and its bytes from any offset on (to support ranges). */
    record Download(Attachment attachment, Content content) {
        public Download {
            Objects.requireNonNull(attachment, "attachment");
            Objects.requireNonNull(content, "content");
        }
    }

    /** Opens the file's bytes; the caller closes the stream. */
    @FunctionalInterface
    interface Content {
        /** @throws NotFound when the bytes have disappeared from the store */
        InputStream openAt(long offset);
    }
}
