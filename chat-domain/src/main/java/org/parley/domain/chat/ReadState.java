package org.parley.domain.chat;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.user.UserId;

/**
 * The read markers of one thread (contract §11): for each participant who has marked anything, the id of the latest
 * message they have read; they have read everything up to and including it. A participant without a marker has read
 * nothing. Markers only move forward (storage keeps the greatest ever marked), so a message once seen stays seen.
 *
 * <p>The seed's {@code seen} flag of a message is {@link #seen(Message)}: its <em>receiver</em>'s marker is at or past
 * it. A message's sender has no say in it.
 *
 * @param markers each reader's marker; readers without one are absent
 */
public record ReadState(Map<UserId, MessageId> markers) {

    private static final ReadState NONE = new ReadState(Map.of());

    public ReadState {
        markers = Map.copyOf(markers);
    }

    /** Nobody has read anything. */
    public static ReadState none() {
        return NONE;
    }

    /** The latest message {@code reader} has read, if any. */
    public Optional<MessageId> markerOf(UserId reader) {
        Objects.requireNonNull(reader, "reader");
        return Optional.ofNullable(markers.get(reader));
    }

    /** Whether the receiver of {@code message} has read it: their marker is at or past its id. */
    public boolean seen(Message message) {
        MessageId marker = markers.get(message.receiver());
        return marker != null && marker.compareTo(message.id()) >= 0;
    }
}
