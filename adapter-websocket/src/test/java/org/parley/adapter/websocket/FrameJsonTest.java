package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;

/**
 * {@link FrameJson} reuses one buffer per thread: each frame is exactly what its body wrote, whatever was rendered
 * before on the thread (a longer frame, a frame with non-Latin-1 text, a frame whose body failed half-way, a frame
 * rendered inside another one's body).
 */
class FrameJsonTest {

    @Test
    void eachFrameHoldsOnlyWhatItsBodyWrote() {
        String longText = "x".repeat(FrameJson.KEPT_CHARS * 2);
        assertThat(text(longText)).isEqualTo("{\"text\":\"" + longText + "\"}");
        assertThat(text("Zo\u00eb \ud83d\ude00 \u65e5")).isEqualTo("{\"text\":\"Zo\u00eb \ud83d\ude00 \u65e5\"}");
        assertThat(text("short")).isEqualTo("{\"text\":\"short\"}");
        assertThat(text("")).isEqualTo("{\"text\":\"\"}");
    }

    @Test
    void aBodyThatFailsLeavesNothingBehindForTheNextFrame() {
        assertThatThrownBy(() -> FrameJson.render(frame -> {
            frame.writeStartObject();
            frame.writeStringField("half", "written");
            frame.flush();
            throw new IOException("the body gave up");
        })).isInstanceOf(UncheckedIOException.class).hasRootCauseMessage("the body gave up");

        assertThat(text("next")).isEqualTo("{\"text\":\"next\"}");
    }

    @Test
    void aFrameRenderedInsideAnothersBodyHasItsOwnBuffer() {
        String outer = FrameJson.render(frame -> {
            frame.writeStartObject();
            frame.writeStringField("before", "a");
            frame.flush();
            frame.writeStringField("inner", text("b"));
            frame.writeEndObject();
        });

        assertThat(outer).isEqualTo("{\"before\":\"a\",\"inner\":\"{\\\"text\\\":\\\"b\\\"}\"}");
        assertThat(text("after")).isEqualTo("{\"text\":\"after\"}");
    }

    private static String text(String value) {
        return FrameJson.render(frame -> {
            frame.writeStartObject();
            frame.writeStringField("text", value);
            frame.writeEndObject();
        });
    }
}
