package org.parley.adapter.websocket;

import java.nio.charset.StandardCharsets;

import org.parley.adapter.websocket.container.FrameWriter;

/**
 * A frame on its way to connections: its JSON text and the whole websocket text frame a {@link FrameWriter} writes,
 * each made from the other on first need, then shared by every connection that gets it (a user's several devices).
 * Used by one thread (the one delivering an event, or the worker answering a request).
 */
final class OutgoingFrame {

    private String text;
    private byte[] framed;

    private OutgoingFrame(String text, byte[] framed) {
        this.text = text;
        this.framed = framed;
    }

    /** The frame of {@code text}. */
    static OutgoingFrame of(String text) {
        return new OutgoingFrame(text, null);
    }

    /** The frame {@code framed} ({@link FrameWriter#textFrame}); never changed afterwards. */
    static OutgoingFrame framed(byte[] framed) {
        return new OutgoingFrame(null, framed);
    }

    /** The JSON text. */
    String text() {
        if (text == null) {
            int length = FrameWriter.payloadLength(framed);
            text = new String(framed, framed.length - length, length, StandardCharsets.UTF_8);
        }
        return text;
    }

    /** The whole text frame ({@link FrameWriter#textFrame}). */
    byte[] framed() {
        if (framed == null) {
            framed = FrameWriter.textFrame(text);
        }
        return framed;
    }
}
