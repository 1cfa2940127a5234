package org.parley.adapter.rest;

import java.util.Optional;
import java.util.function.Supplier;

import org.parley.application.error.NotFound;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/**
 * The media route, owned by the REST adapter, which serves the bytes ({@link MediaResource}):
 * {@code /media/<message id>/<storage key>?expires=<epoch seconds>&signature=<signature>} (contract §7). The
 * application signs an {@link AttachmentLink}; this class alone knows how a link looks as a path: {@link #pathOf} formats
 * it (the {@code attached_file} of every REST answer, and of websocket frames: bootstrap hands {@code MediaRoute::pathOf}
 * to the websocket adapter), and {@link #query} reads a request on the route back into a download query.
 *
 * <p>The path needs no escaping: message ids are digits, storage keys are the store's own URL-safe names, and the
 * signature is URL-safe text.
 */
public final class MediaRoute {

    /** The route's first segment. */
    static final String ROOT = "media";
    /** The route's segments below {@link #ROOT}, as JAX-RS path parameters. */
    static final String FILE = "{message}/{key}";

    private MediaRoute() {
    }

    /** The path of {@code link}, as clients see it in {@code attached_file}. */
    public static String pathOf(AttachmentLink link) {
        return "/" + ROOT + "/" + link.message().value() + "/" + link.storageKey() + "?expires="
                + link.expiresEpochSecond() + "&signature=" + link.signature();
    }

    /**
     * The download asked for by a request on the route. A missing, malformed or non-positive {@code expires} counts as
     * none, and an empty {@code signature} as none: such a request is served to a participant only.
     *
     * @param message   the message id segment
     * @param key       the storage key segment
     * @param expires   the {@code expires} query parameter, or null
     * @param signature the {@code signature} query parameter, or null
     * @param caller    the participant a bearer token names; asked only once the path is known to name a message
     * @throws NotFound when the message segment is not a message id
     */
    static DownloadAttachment.Query query(String message, String key, String expires, String signature,
                                          Supplier<Optional<UserId>> caller) {
        MessageId id = positiveLong(message).map(MessageId::new).orElseThrow(() -> new NotFound("Not found."));
        return new DownloadAttachment.Query(id, key, positiveLong(expires),
                Optional.ofNullable(signature).filter(s -> !s.isEmpty()), caller.get());
    }

    /** A whole number above zero written as 1 to 18 digits (so it fits a long); anything else is empty. */
    private static Optional<Long> positiveLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        long value = Long.parseLong(text);
        return value > 0 ? Optional.of(value) : Optional.empty();
    }
}
