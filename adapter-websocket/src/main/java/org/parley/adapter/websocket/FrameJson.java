package org.parley.adapter.websocket;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

import org.parley.adapter.websocket.container.FrameWriter;

/**
 * Renders one frame's JSON with Jackson's streaming generator into a buffer kept per thread, so that a frame costs the
 * allocation of its own result and the generator, not also a {@link java.io.StringWriter} (a {@code StringBuffer}
 * sized for the frame, then copied once more by {@code toString}). Two results: the JSON text ({@link #render}), or
 * the whole websocket frame, written by Jackson's UTF-8 generator and copied once behind its header ({@link #frame}:
 * what the delivery thread sends, with no {@code String} in between).
 *
 * <p>A buffer that grew above {@value #KEPT_CHARS} characters or bytes (a frame carrying a long text) is dropped after
 * use, so that a thread keeps at most that much. A frame rendered while the same thread is rendering another (nothing
 * does this today) gets a buffer of its own.
 */
final class FrameJson {

    /** What a frame consists of, written to the generator (the enclosing object included). */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator frame) throws IOException;
    }

    static final int KEPT_CHARS = 8 * 1024;
    private static final ThreadLocal<TextBuffer> BUFFERS = ThreadLocal.withInitial(TextBuffer::new);
    private static final ThreadLocal<Utf8Buffer> UTF8_BUFFERS = ThreadLocal.withInitial(Utf8Buffer::new);

    private FrameJson() {
    }

    /**
     * The JSON text {@code body} writes.
     *
     * @throws UncheckedIOException if the generator refuses what the body writes
     */
    static String render(Body body) {
        TextBuffer buffer = BUFFERS.get();
        if (buffer.inUse) {
            buffer = new TextBuffer();
        }
        buffer.inUse = true;
        try {
            buffer.text.setLength(0);
            try (JsonGenerator frame = Json.MAPPER.getFactory().createGenerator(buffer)) {
                body.writeTo(frame);
            } catch (IOException e) {
                throw new UncheckedIOException("A frame could not be written", e);
            }
            return buffer.text.toString();
        } finally {
            buffer.inUse = false;
            if (buffer.text.capacity() > KEPT_CHARS) {
                BUFFERS.remove();
            }
        }
    }

    /**
     * The frame {@code body} writes, framed ({@link FrameWriter#textFrame(byte[], int, int)}): the same JSON as
     * {@link #render}, in UTF-8.
     *
     * @throws UncheckedIOException if the generator refuses what the body writes
     */
    static OutgoingFrame frame(Body body) {
        Utf8Buffer buffer = UTF8_BUFFERS.get();
        if (buffer.inUse) {
            buffer = new Utf8Buffer();
        }
        buffer.inUse = true;
        try {
            buffer.size = 0;
            try (JsonGenerator frame = Json.MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8)) {
                body.writeTo(frame);
            } catch (IOException e) {
                throw new UncheckedIOException("A frame could not be written", e);
            }
            return OutgoingFrame.framed(FrameWriter.textFrame(buffer.bytes, 0, buffer.size));
        } finally {
            buffer.inUse = false;
            if (buffer.bytes.length > KEPT_CHARS) {
                UTF8_BUFFERS.remove();
            }
        }
    }

    /** An {@link OutputStream} onto a growing array: no locking, no copy but the final framing. */
    private static final class Utf8Buffer extends OutputStream {

        byte[] bytes = new byte[1024];
        int size;
        boolean inUse;

        @Override
        public void write(int b) {
            room(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            room(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    /** A {@link Writer} onto a {@link StringBuilder}: no locking, no copy but the final {@code toString}. */
    private static final class TextBuffer extends Writer {

        final StringBuilder text = new StringBuilder(512);
        boolean inUse;

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            text.append(string, offset, offset + length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
