package org.parley.adapter.websocket;

import java.util.Objects;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.ShareProfile;

/** The use cases the websocket's actions drive, handed over by {@code bootstrap}. */
public record WebSocketUseCases(SendTextMessage sendText, AnnounceFileMessage announceFile, ShareProfile shareProfile,
                                MarkSeen markSeen, EditMessage editMessage, DeleteMessage deleteMessage) {

    public WebSocketUseCases {
        Objects.requireNonNull(sendText, "sendText");
        Objects.requireNonNull(announceFile, "announceFile");
        Objects.requireNonNull(shareProfile, "shareProfile");
        Objects.requireNonNull(markSeen, "markSeen");
        Objects.requireNonNull(editMessage, "editMessage");
        Objects.requireNonNull(deleteMessage, "deleteMessage");
    }
}
