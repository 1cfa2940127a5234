package org.parley.adapter.websocket;

import org.parley.adapter.websocket.container.FrameWriter;

/**
 * A frame on its way to connections: its JSON text, and, made on first need and then shared by every connection that
 * gets it (a user's several devices), the whole websocket text frame a {@link FrameWriter} writes. Used by one thread
 * (the one delivering an event, or the worker answering a request).
 */
final class OutgoingFrame {

    private final String text;
    private byte[] framed;

    private OutgoingFrame(String text) {
        this.text = text;
    }

    static OutgoingFrame of(String text) {
        return new OutgoingFrame(text);
    }

    String text() {
        return text;
    }

    /** {@link FrameWriter#textFrame} of the text, made once. */
    byte[] framed() {
        if (framed == null) {
            framed = FrameWriter.textFrame(text);
        }
        return framed;
    }
}
