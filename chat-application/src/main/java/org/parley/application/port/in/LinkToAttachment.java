package org.parley.application.port.in;

import java.util.Optional;

import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;

/**
 * The signed, expiring permission to download a message's file: the message id, the storage key, the expiry and a
 * signature over them. Adapters turn it into their own route (the REST adapter's {@code /media/…} path, shown as
 * {@code attached_file}); they never sign anything themselves.
 */
public interface LinkToAttachment {

    /** A link valid for the configured lifetime from now, for a file message; empty for any other message. */
    Optional<AttachmentLink> linkFor(Message message);
}
