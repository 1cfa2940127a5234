package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link FrameWriter#textFrame} against the JDK's UTF-8 encoder and RFC 6455's length forms, for any text: ASCII runs
 * of any length (the copying pass) with other characters anywhere in them (the encoder), across the 125- and
 * 65,535-byte edges of the header.
 */
class TextFrameBytesTest {

    @Property(tries = 300)
    void theFramesPayloadIsTheTextsUtf8AfterTheShortestHeader(@ForAll("texts") String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = FrameWriter.textFrame(text);

        int header = utf8.length <= 125 ? 2 : utf8.length <= 0xFFFF ? 4 : 10;
        assertThat(frame).hasSize(header + utf8.length);
        assertThat(frame[0] & 0xFF).isEqualTo(0x81);
        long length = header == 2 ? frame[1] : 0;
        for (int i = 2; i < header; i++) {
            length = length << 8 | (frame[i] & 0xFF);
        }
        assertThat(frame[1] & 0xFF).isEqualTo(header == 2 ? utf8.length : header == 4 ? 126 : 127);
        assertThat(length).isEqualTo(utf8.length);
        assertThat(Arrays.copyOfRange(frame, header, frame.length)).isEqualTo(utf8);
        assertThat(FrameWriter.payloadLength(frame)).isEqualTo(utf8.length);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> ascii = Arbitraries.integers().between(0, 130).map("x"::repeat);
        Arbitrary<String> nearTheEdges = Arbitraries.of(123, 124, 125, 126, 65_533, 65_534, 65_535, 65_536)
                .map("y"::repeat);
        Arbitrary<String> others = Arbitraries.of("\u00e9", "\ud83d\ude00", "\u65e5", "\u0080", "\u07ff", "\u0800",
                "\u007f", "\"", "\n");
        return Arbitraries.oneOf(ascii, nearTheEdges, others).list().ofMaxSize(4)
                .map(parts -> String.join("", parts));
    }
}
