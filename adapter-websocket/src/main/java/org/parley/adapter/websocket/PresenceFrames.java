package org.parley.adapter.websocket;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.UserTyping;

/** The frames of contract §13: {@code typing} and {@code presence}. */
final class PresenceFrames {

    /** REST's timestamp form, which contract §13 gives {@code last_seen}: microseconds and {@code Z}. */
    static final DateTimeFormatter LAST_SEEN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private PresenceFrames() {
    }

    /** {@code {"action":"typing","sender_id":"<uuid>","timestamp":"…+00:00"}}. */
    static String typing(UserTyping event) {
        return FrameJson.render(typingBody(event));
    }

    /** What {@link #typing} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body typingBody(UserTyping event) {
        return frame -> {
            frame.writeStartObject();
            frame.writeStringField("action", "typing");
            Frames.writeUserId(frame, "sender_id", event.sender());
            Frames.writeTimestamp(frame, "timestamp", event.at());
            frame.writeEndObject();
        };
    }

    /** {@code {"action":"presence","user_id":"<uuid>","online":<bool>,"last_seen":"…Z"|null}}. */
    static String presence(PresenceChanged event) {
        return FrameJson.render(presenceBody(event));
    }

    /** What {@link #presence} writes, for {@link FrameJson} to render as text or as a frame. */
    static FrameJson.Body presenceBody(PresenceChanged event) {
        return frame -> {
            frame.writeStartObject();
            frame.writeStringField("action", "presence");
            Frames.writeUserId(frame, "user_id", event.user());
            frame.writeBooleanField("online", event.online());
            frame.writeStringField("last_seen", event.lastSeen().map(LAST_SEEN::format).orElse(null));
            frame.writeEndObject();
        };
    }
}
