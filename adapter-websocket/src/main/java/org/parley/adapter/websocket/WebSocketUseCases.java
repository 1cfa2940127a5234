package org.parley.adapter.websocket;

import java.util.Objects;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.SendTyping;
import org.parley.application.port.in.ShareProfile;
import org.parley.application.port.in.TrackPresence;

/**
 * The use cases the websocket's actions drive, handed over by {@code bootstrap}: its frames, and
 * {@link TrackPresence}, told of every connection that opens and ends.
 */
public record WebSocketUseCases(SendTextMessage sendText, AnnounceFileMessage announceFile, ShareProfile shareProfile,
                                MarkSeen markSeen, EditMessage editMessage, DeleteMessage deleteMessage,
                                SendTyping sendTyping, TrackPresence trackPresence) {

    /** Presence not tracked, typing refused as an unknown action would be (tests of other actions). */
    private static final SendTyping NO_TYPING = command -> {
        throw new UnsupportedOperationException("typing is not wired");
    };
    private static final TrackPresence.Connection UNTRACKED = () -> { };

    public WebSocketUseCases {
        Objects.requireNonNull(sendText, "sendText");
        Objects.requireNonNull(announceFile, "announceFile");
        Objects.requireNonNull(shareProfile, "shareProfile");
        Objects.requireNonNull(markSeen, "markSeen");
        Objects.requireNonNull(editMessage, "editMessage");
        Objects.requireNonNull(deleteMessage, "deleteMessage");
        Objects.requireNonNull(sendTyping, "sendTyping");
        Objects.requireNonNull(trackPresence, "trackPresence");
    }

    /** Without typing and presence (tests of the other actions). */
    public WebSocketUseCases(SendTextMessage sendText, AnnounceFileMessage announceFile, ShareProfile shareProfile,
                             MarkSeen markSeen, EditMessage editMessage, DeleteMessage deleteMessage) {
        this(sendText, announceFile, shareProfile, markSeen, editMessage, deleteMessage, NO_TYPING, user -> UNTRACKED);
    }
}
