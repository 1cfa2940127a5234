package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.UserTyping;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** Contract §13's frames, field for field, as every audience renders them. */
class PresenceFramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");
    private final EventFrames frames = new EventFrames(link -> "/media/unused");
    private final UserId ada = UserId.random();
    private final UserId bob = UserId.random();

    @Test
    void typingNamesTheSenderAndWhenInTheFramesTimestampForm() throws Exception {
        JsonNode frame = JSON.readTree(frames.render(
                new UserTyping(ada, bob, AT, DeliveryPolicy.forTyping(bob)), Audience.RECEIVER));

        assertThat(frame).isEqualTo(JSON.readTree("{\"action\":\"typing\",\"sender_id\":\"" + ada
                + "\",\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\"}"));
    }

    @Test
    void presenceCarriesLastSeenInRestsFormWhenOfflineAndNullWhenOnline() throws Exception {
        JsonNode offline = JSON.readTree(frames.render(new PresenceChanged(ada, false, Optional.of(AT),
                DeliveryPolicy.forPresence(List.of(bob))), Audience.RECEIVER));
        JsonNode online = JSON.readTree(frames.render(new PresenceChanged(ada, true, Optional.empty(),
                DeliveryPolicy.forPresence(List.of(bob))), Audience.RECEIVER));

        assertThat(offline).isEqualTo(JSON.readTree("{\"action\":\"presence\",\"user_id\":\"" + ada
                + "\",\"online\":false,\"last_seen\":\"2025-03-14T10:36:22.680911Z\"}"));
        assertThat(online).isEqualTo(JSON.readTree("{\"action\":\"presence\",\"user_id\":\"" + ada
                + "\",\"online\":true,\"last_seen\":null}"));
        assertThat(WebSocketDelivery.describe(new PresenceChanged(ada, true, Optional.empty(), List.of())))
                .isEqualTo("presence of user " + ada);
    }

    /** What connections are written (Jackson's UTF-8 generator, framed) is the text form in UTF-8, byte for byte. */
    @Test
    void theFramedFormIsTheTextFormInUtf8() {
        List<OutboundEvent> events = List.of(new UserTyping(ada, bob, AT, DeliveryPolicy.forTyping(bob)),
                new PresenceChanged(ada, false, Optional.of(AT), DeliveryPolicy.forPresence(List.of(bob))),
                new PresenceChanged(ada, true, Optional.empty(), DeliveryPolicy.forPresence(List.of(bob))));
        for (OutboundEvent event : events) {
            String text = frames.render(event, Audience.RECEIVER);
            assertThat(frames.frame(event, Audience.RECEIVER).framed()).isEqualTo(FrameWriter.textFrame(text));
        }
    }
}
