package org.parley.adapter.websocket.container;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * A stand-in for the writer Grizzly gives Tyrus, the lowest seam a frame passes before the socket: it records each
 * write's bytes (one entry per write, so a test counts socket writes), and completes each at once, or holds it (a client
 * that does not read) until {@link #completeAll()}, or refuses it by throwing. Its {@link FrameWriter} is what a
 * connection's frames are written through. Used by one thread at a time.
 */
public final class RecordingSocket extends Writer {

    private final List<byte[]> writes = new ArrayList<>();
    private final List<CompletionHandler<ByteBuffer>> held = new ArrayList<>();
    private final FrameWriter frames = new FrameWriter(this);
    /** Whether writes stay pending (the client does not read) rather than completing at once. */
    public boolean holdWrites;
    /** Thrown by each write when set. */
    public RuntimeException refuseWith;
    /** Run after each write is recorded, on the writing thread (a client that answers what it just got). */
    public Runnable afterWrite;

    /** The connection's writer over this socket. */
    public FrameWriter frames() {
        return frames;
    }

    /** The bytes of each write so far, one entry per write, oldest first. */
    public List<byte[]> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    /** Completes every write held so far. */
    public void completeAll() {
        List<CompletionHandler<ByteBuffer>> now = List.copyOf(held);
        held.clear();
        now.forEach(handler -> handler.completed(null));
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        write(buffer, completionHandler, null);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
        if (refuseWith != null) {
            throw refuseWith;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        synchronized (writes) {
            writes.add(bytes);
        }
        if (holdWrites) {
            held.add(completionHandler);
        } else if (completionHandler != null) {
            completionHandler.completed(buffer);
        }
        if (afterWrite != null) {
            afterWrite.run();
        }
    }

    @Override
    public void close() {
    }
}
