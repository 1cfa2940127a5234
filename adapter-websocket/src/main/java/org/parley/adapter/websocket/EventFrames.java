package org.parley.adapter.websocket;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.UserTyping;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.delivery.Audience;

/**
 * The seed API's frames of every {@link OutboundEvent}, one case per kind of event: a new kind of event does not
 * compile until it has its frame here. One case handler per audience is made up front, so rendering allocates nothing
 * beyond the frame itself; each case gives what its frame writes ({@link FrameJson.Body}), rendered as text or as a
 * frame ready to write.
 */
final class EventFrames implements FrameRenderer {

    private final Map<Audience, OutboundEvent.Cases<FrameJson.Body>> byAudience = new EnumMap<>(Audience.class);

    /** @param mediaPaths formats a signed attachment link as the path {@code attached_file} shows */
    EventFrames(Function<AttachmentLink, String> mediaPaths) {
        Objects.requireNonNull(mediaPaths, "mediaPaths");
        for (Audience audience : Audience.values()) {
            byAudience.put(audience, new OutboundEvent.Cases<>() {
                @Override
                public FrameJson.Body messageStored(MessageStored event) {
                    return Frames.messageStoredBody(event, audience, mediaPaths);
                }

                @Override
                public FrameJson.Body messageSeen(MessageSeen event) {
                    return Frames.messageSeenBody(event, audience);
                }

                @Override
                public FrameJson.Body messageEdited(MessageEdited event) {
                    return ChangeFrames.editedBody(event, audience);
                }

                @Override
                public FrameJson.Body messageDeleted(MessageDeleted event) {
                    return ChangeFrames.deletedBody(event, audience);
                }

                @Override
                public FrameJson.Body userTyping(UserTyping event) {
                    return PresenceFrames.typingBody(event);
                }

                @Override
                public FrameJson.Body presenceChanged(PresenceChanged event) {
                    return PresenceFrames.presenceBody(event);
                }
            });
        }
    }

    @Override
    public String render(OutboundEvent event, Audience audience) {
        return FrameJson.render(event.accept(byAudience.get(audience)));
    }

    /** Written as UTF-8 straight into the frame: no {@code String} of it is made. */
    @Override
    public OutgoingFrame frame(OutboundEvent event, Audience audience) {
        return FrameJson.frame(event.accept(byAudience.get(audience)));
    }

    /** A stored message's {@code conf_message} is copied from its {@code re_message} ({@link ConfirmationFrames}). */
    @Override
    public OutgoingFrame frame(OutboundEvent event, Audience audience, OutgoingFrame receivers) {
        if (receivers != null && audience == Audience.SENDER && event instanceof MessageStored stored) {
            OutgoingFrame copied = ConfirmationFrames.fromReceivers(receivers, stored.clientMessageId());
            if (copied != null) {
                return copied;
            }
        }
        return frame(event, audience);
    }
}
