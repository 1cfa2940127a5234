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
 * beyond the frame itself.
 */
final class EventFrames implements FrameRenderer {

    private final Map<Audience, OutboundEvent.Cases<String>> byAudience = new EnumMap<>(Audience.class);

    /** @param mediaPaths formats a signed attachment link as the path {@code attached_file} shows */
    EventFrames(Function<AttachmentLink, String> mediaPaths) {
        Objects.requireNonNull(mediaPaths, "mediaPaths");
        for (Audience audience : Audience.values()) {
            byAudience.put(audience, new OutboundEvent.Cases<>() {
                @Override
                public String messageStored(MessageStored event) {
                    return Frames.messageStored(event, audience, mediaPaths);
                }

                @Override
                public String messageSeen(MessageSeen event) {
                    return Frames.messageSeen(event, audience);
                }

                @Override
                public String messageEdited(MessageEdited event) {
                    return ChangeFrames.edited(event, audience);
                }

                @Override
                public String messageDeleted(MessageDeleted event) {
                    return ChangeFrames.deleted(event, audience);
                }

                @Override
                public String userTyping(UserTyping event) {
                    return PresenceFrames.typing(event);
                }

                @Override
                public String presenceChanged(PresenceChanged event) {
                    return PresenceFrames.presence(event);
                }
            });
        }
    }

    @Override
    public String render(OutboundEvent event, Audience audience) {
        return event.accept(byAudience.get(audience));
    }
}
