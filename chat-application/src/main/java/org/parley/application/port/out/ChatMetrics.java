package org.parley.application.port.out;

/**
 * What Parley counts and times for its operators (contract §17, {@code GET /metrics}): told by the application (group
 * commit) and by the driving adapters as things happen. An adapter turns the calls into meters (the Micrometer one
 * registers every meter once, up front, and indexes them by these enums' ordinals, so a call costs an increment and
 * allocates nothing); {@link #none()} ignores them all and costs a call to an empty method, which the JIT removes.
 *
 * <p>The kinds are enums, not strings, so that a call on the message path never looks a meter up by name. Every method
 * must be cheap, must not block and must never throw: they run on threads shared by every user (Grizzly's workers,
 * group commit's writer and delivery threads).
 */
public interface ChatMetrics {

    /** How a websocket handshake ended (contract §4, §16). */
    enum Handshake {
        /** The connection was opened. */
        ACCEPTED,
        /** No token, or one that is invalid or expired, or of an inactive user: 401. */
        UNAUTHORIZED,
        /** An {@code Origin} that is not allowed: 403. */
        FORBIDDEN_ORIGIN,
        /** The user has the most connections allowed: 429. */
        TOO_MANY_CONNECTIONS,
        /** The database cannot be reached, or the server is stopping: 503. */
        UNAVAILABLE,
        /** Anything else: 500. */
        FAILED
    }

    /** A client frame by its {@code action} (contract §8, §11–§14); anything else counts as {@link #OTHER}. */
    enum FrameIn {
        TEXT_MESSAGE, FILE_MESSAGE, USER_PROFILE_MESSAGE, SEEN, EDIT_MESSAGE, DELETE_MESSAGE, TYPING,
        /** Not JSON, no action, an unknown action, or refused before its action was read. */
        OTHER
    }

    /** A frame the server writes, by its {@code action}. */
    enum FrameOut {
        RE_MESSAGE, CONF_MESSAGE, SEEN_MESSAGE, MESSAGE_EDITED, MESSAGE_DELETED, TYPING, PRESENCE,
        /** A frame answering a request on its own connection only: an error frame, or a repeat's confirmation. */
        REPLY
    }

    /** A limit of contract §16 that refused something. */
    enum Limit {
        /** A message (or upload) above the user's send rate. */
        SEND_RATE,
        /** A log-in for an address with too many failures. */
        LOG_IN,
        /** A handshake above the user's connections. */
        CONNECTIONS
    }

    void handshake(Handshake outcome);

    void frameIn(FrameIn action);

    /** {@code count} frames of one kind were handed to their connections (one per connection written to). */
    void framesOut(FrameOut action, int count);

    /**
     * A batch was committed by group commit.
     *
     * @param stored      the messages stored by it (repeated sends excluded)
     * @param drafts      the drafts it held (its size)
     * @param commitNanos how long storing it took, from the start of its transaction to its commit
     */
    void batchCommitted(int stored, int drafts, long commitNanos);

    /**
     * The event of one stored message was handed to this node's connections, {@code nanosSinceCommit} after its batch
     * committed (the frames are then written, or queued behind what their socket has not taken yet).
     */
    void delivered(long nanosSinceCommit);

    void refused(Limit limit);

    /** A connection was closed with 4008 because it did not read its frames (contract §16). */
    void slowConsumerClosed();

    /** Counts nothing; free. */
    static ChatMetrics none() {
        return NoChatMetrics.INSTANCE;
    }
}
