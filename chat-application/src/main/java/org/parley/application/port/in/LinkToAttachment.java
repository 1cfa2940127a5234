package org.parley.application.port.in;

import java.util.Optional;
import org.parley.domain.chat.Message;

/**
 * The signed, expiring download path of a message's file: {@code /media/<message id>/<storage key>?expires=<epoch
 * seconds>&signature=<signature>}. Adapters show it as {@code attached_file}; they never sign anything themselves.
 */
public interface LinkToAttachment {

    /** The path for a file message; empty for any other message. */
    Optional<String> linkFor(Message message);
}
