package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.websocket.CloseReason;

import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

/** The raw-frame size check, fed with every possible split of the byte stream into reads. */
class FrameSizeGuardTest {

    private static final int MAX = 100;

    @Test
    void framesWithinTheLimitPassThroughUntouchedHoweverTheReadsAreSplit() {
        byte[] stream = concat(frame(0x81, 100, true), frame(0x89, 4, true), frame(0x01, 60, true), frame(0x80, 40, true),
                frame(0x81, 0, true), frame(0x82, 99, false));
        for (int split = 0; split <= stream.length; split++) {
            Recorder recorder = new Recorder();
            FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, MAX);
            feed(guard, stream, split);
            assertThat(recorder.bytes.toByteArray()).as("split at " + split).isEqualTo(stream);
            assertThat(recorder.closed).isEmpty();
        }
    }

    @Test
    void aFrameAboveTheLimitClosesWith1009AfterTheFramesBeforeIt() {
        byte[] good = frame(0x81, 10, true);
        byte[] stream = concat(good, frame(0x81, 101, true), frame(0x81, 5, true));
        for (int split = 0; split <= stream.length; split++) {
            Recorder recorder = new Recorder();
            FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, MAX);
            feed(guard, stream, split);
            assertThat(recorder.closed).as("split at " + split).hasSize(1);
            assertThat(recorder.closed.get(0).getCloseCode().getCode()).isEqualTo(1009);
            byte[] passed = recorder.bytes.toByteArray();
            assertThat(passed.length).as("split at " + split).isLessThan(good.length + 14);
            assertThat(ByteBuffer.wrap(passed, 0, good.length)).isEqualTo(ByteBuffer.wrap(good));
        }
    }

    @Test
    void theClientsCloseFrameGoesToItsOwnHandlerAndNothingAfterItIsRead() {
        byte[] before = concat(frame(0x81, 10, true), frame(0x89, 4, true), frame(0x81, 0, true));
        byte[] close = frame(0x88, 2, true);
        byte[] stream = concat(before, close, frame(0x81, 5, true), frame(0x88, 0, true));
        for (int split = 0; split <= stream.length; split++) {
            Recorder tyrus = new Recorder();
            Recorder closes = new Recorder();
            FrameSizeGuard guard = FrameSizeGuard.of(tyrus, closes, tyrus, MAX);
            feed(guard, stream, split);
            assertThat(tyrus.bytes.toByteArray()).as("split at " + split).isEqualTo(before);
            assertThat(closes.bytes.toByteArray()).as("split at " + split).isEqualTo(close);
            assertThat(guard.atFrameBoundary()).isFalse();
        }
        Recorder tyrus = new Recorder();
        Recorder closes = new Recorder();
        FrameSizeGuard.of(tyrus, closes, tyrus, MAX).handle(ByteBuffer.wrap(frame(0x88, 0, true)));
        assertThat(closes.bytes.toByteArray()).as("a close without a body").isEqualTo(frame(0x88, 0, true));
        assertThat(tyrus.bytes.toByteArray()).isEmpty();
    }

    /**
     * After a refusal nothing more goes to Tyrus, but the frames are still read, so that the client's close frame
     * (which a client still sending the refused frame sends once it is done) is seen once: the server closes the TCP
     * connection then, not while the client still writes (which would reset it).
     */
    @Test
    void afterARefusalTheClientsCloseFrameIsStillSeenOnceAndNothingGoesToTyrus() {
        byte[] good = frame(0x81, 10, true);
        byte[] tooBig = frame(0x81, 1_000, true);
        byte[] stream = concat(good, tooBig, frame(0x81, 5, true), frame(0x89, 3, true), frame(0x88, 2, true),
                frame(0x81, 7, true), frame(0x88, 0, true));
        for (int split = 0; split <= stream.length; split++) {
            Recorder tyrus = new Recorder();
            Recorder closes = new Recorder();
            List<String> events = new ArrayList<>();
            FrameSizeGuard guard = counting(tyrus, closes, events);
            feed(guard, stream, split);
            assertThat(tyrus.closed).as("split at " + split).hasSize(1);
            assertThat(events).as("split at " + split).containsExactly("close frame read");
            byte[] passed = tyrus.bytes.toByteArray();
            assertThat(passed.length).as("split at " + split + ": at most the refused frame's header begun in a read "
                    + "before it was whole").isLessThan(good.length + 14);
            assertThat(ByteBuffer.wrap(passed, 0, good.length)).isEqualTo(ByteBuffer.wrap(good));
            assertThat(closes.bytes.toByteArray()).as("nothing after the refusal is Tyrus's to answer").isEmpty();
        }
        Recorder tyrus = new Recorder();
        List<String> events = new ArrayList<>();
        FrameSizeGuard guard = counting(tyrus, new Recorder(), events);
        for (int i = 0; i < stream.length; i++) {
            guard.handle(ByteBuffer.wrap(stream, i, 1).slice());
        }
        assertThat(events).as("one byte per read").containsExactly("close frame read");
    }

    /** A frame announcing more than 2^63 - 1 bytes never ends: whatever follows it is skipped, never read as frames. */
    @Test
    void afterARefusedFrameThatNeverEndsNothingIsTakenForACloseFrame() {
        byte[] endless = {(byte) 0x81, (byte) (0x80 | 127), (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        byte[] stream = concat(endless, frame(0x88, 0, true), frame(0x88, 2, true));
        Recorder tyrus = new Recorder();
        List<String> events = new ArrayList<>();
        FrameSizeGuard guard = counting(tyrus, new Recorder(), events);
        guard.handle(ByteBuffer.wrap(stream));
        assertThat(tyrus.closed).extracting(reason -> reason.getCloseCode().getCode()).containsExactly(1009);
        assertThat(events).isEmpty();
    }

    /**
     * Without a refusal, the client's close frame is reported read once it is whole, before its last bytes go to their
     * handler (which answers it).
     */
    @Test
    void theClientsCloseFrameIsReportedReadBeforeItsBytesAreHandedOn() {
        byte[] stream = concat(frame(0x81, 10, true), frame(0x88, 2, true), frame(0x81, 5, true));
        for (int split = 0; split <= stream.length; split++) {
            List<String> events = new ArrayList<>();
            Recorder closes = new Recorder() {
                @Override
                public void handle(ByteBuffer data) {
                    events.add("close frame bytes");
                    super.handle(data);
                }
            };
            FrameSizeGuard guard = counting(new Recorder(), closes, events);
            feed(guard, stream, split);
            assertThat(events).as("split at " + split).containsOnlyOnce("close frame read")
                    .endsWith("close frame read", "close frame bytes");
        }
    }

    /** A guard that records when it reports the client's close frame read. */
    private static FrameSizeGuard counting(Recorder tyrus, Recorder closes, List<String> events) {
        return new FrameSizeGuard(tyrus, tyrus, MAX) {
            @Override
            void closeFrame(ByteBuffer bytes) {
                closes.handle(bytes);
            }

            @Override
            void closeFrameRead() {
                events.add("close frame read");
            }
        };
    }

    @Test
    void continuationFramesCountTogetherAndControlFramesDoNot() {
        Recorder recorder = new Recorder();
        FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, MAX);
        guard.handle(ByteBuffer.wrap(concat(frame(0x01, 60, true), frame(0x89, 100, true), frame(0x80, 41, true))));
        assertThat(recorder.closed).extracting(reason -> reason.getCloseCode().getCode()).containsExactly(1009);
    }

    /**
     * A fragment, then a continuation announcing 2^63 - 1 bytes: the message's size must not wrap to a negative sum
     * (then nothing was refused, and Tyrus buffered the frame up to its incoming buffer, copying it at every read, and
     * closed with 1011). Found by a hostile review.
     */
    @Test
    void aContinuationWhoseLengthWouldOverflowTheMessagesSizeIsRefused() {
        byte[] fragment = {0x01, (byte) 0x81, 1, 2, 3, 4, 'x'};
        byte[] continuation = {(byte) 0x80, (byte) (0x80 | 127), 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4};
        byte[] stream = concat(fragment, continuation, new byte[4096]);
        for (int split = 0; split <= fragment.length + continuation.length + 1; split++) {
            Recorder recorder = new Recorder();
            feed(FrameSizeGuard.of(recorder, recorder, recorder, MAX), stream, split);
            assertThat(recorder.closed).as("split at " + split)
                    .extracting(reason -> reason.getCloseCode().getCode()).containsExactly(1009);
            assertThat(recorder.bytes.size()).as("split at " + split + ": the fragment and at most the refused header")
                    .isLessThan(fragment.length + continuation.length);
        }
    }

    @Test
    void sixteenAndSixtyFourBitLengthsAreRead() {
        Recorder recorder = new Recorder();
        FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, 70_000);
        guard.handle(ByteBuffer.wrap(concat(frame(0x81, 65_000, true), frame(0x82, 69_999, true))));
        assertThat(recorder.closed).isEmpty();
        guard.handle(ByteBuffer.wrap(frame(0x81, 70_001, true)));
        assertThat(recorder.closed).hasSize(1);
    }

    /**
     * The header is kept in fields, not an array: 2-, 4- and 10-byte headers, masked or not, split at every byte of
     * the header (and of the masking key) across two reads, and the whole stream read one byte at a time, are read as
     * one (the frames within the limit pass untouched, the one above it is refused from its header).
     */
    @Test
    void extendedLengthsAreReadWhereverTheHeaderIsSplit() {
        int max = 70_000;
        byte[][] frames = {frame(0x81, 125, true), frame(0x81, 126, true), frame(0x82, 65_535, false),
                frame(0x81, 65_536, true), frame(0x89, 0, true), frame(0x01, 300, true), frame(0x80, 69_700, false),
                frame(0x81, 69_999, true)};
        byte[] good = concat(frames);
        byte[] tooBig = frame(0x81, max + 1, true);
        byte[] stream = concat(good, tooBig);
        List<Integer> splits = new ArrayList<>();
        int at = 0;
        for (byte[] frame : concat2(frames, tooBig)) {
            int header = headerLength(frame);
            for (int k = 0; k <= header; k++) {
                splits.add(at + k);
            }
            at += frame.length;
        }
        for (int split : splits) {
            Recorder recorder = new Recorder();
            FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, max);
            guard.handle(ByteBuffer.wrap(stream, 0, split).slice());
            if (split <= good.length) {
                assertThat(recorder.closed).as("split at " + split).isEmpty();
            }
            guard.handle(ByteBuffer.wrap(stream, split, stream.length - split).slice());
            assertThat(recorder.closed).as("split at " + split).hasSize(1);
            byte[] passed = recorder.bytes.toByteArray();
            assertThat(passed.length).as("split at " + split).isLessThan(good.length + 14);
            assertThat(ByteBuffer.wrap(passed, 0, good.length)).as("split at " + split)
                    .isEqualTo(ByteBuffer.wrap(good));
        }
        Recorder recorder = new Recorder();
        FrameSizeGuard guard = FrameSizeGuard.of(recorder, recorder, recorder, max);
        for (int i = 0; i < good.length; i++) {
            guard.handle(ByteBuffer.wrap(stream, i, 1).slice());
        }
        assertThat(recorder.closed).as("one byte per read").isEmpty();
        assertThat(guard.atFrameBoundary()).isTrue();
        assertThat(recorder.bytes.toByteArray()).isEqualTo(good);
        for (int i = good.length; i < stream.length && recorder.closed.isEmpty(); i++) {
            guard.handle(ByteBuffer.wrap(stream, i, 1).slice());
        }
        assertThat(recorder.closed).as("one byte per read").hasSize(1);
    }

    private static byte[][] concat2(byte[][] frames, byte[] last) {
        byte[][] all = Arrays.copyOf(frames, frames.length + 1);
        all[frames.length] = last;
        return all;
    }

    private static int headerLength(byte[] frame) {
        int code = frame[1] & 0x7F;
        return 2 + (code == 126 ? 2 : code == 127 ? 8 : 0) + ((frame[1] & 0x80) != 0 ? 4 : 0);
    }

    private static void feed(FrameSizeGuard guard, byte[] stream, int split) {
        guard.handle(ByteBuffer.wrap(stream, 0, split).slice());
        guard.handle(ByteBuffer.wrap(stream, split, stream.length - split).slice());
    }

    /** A masked client frame: {@code firstByte} is FIN plus opcode. */
    private static byte[] frame(int firstByte, int length, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(mask | length);
        } else if (length < 65_536) {
            out.write(mask | 126);
            out.write(length >>> 8);
            out.write(length & 0xFF);
        } else {
            out.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (((long) length >>> shift) & 0xFF));
            }
        }
        if (masked) {
            out.writeBytes(new byte[] {1, 2, 3, 4});
        }
        out.writeBytes("p".repeat(length).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static class Recorder implements ReadHandler, Connection {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<CloseReason> closed = new ArrayList<>();

        @Override
        public void handle(ByteBuffer data) {
            while (data.hasRemaining()) {
                bytes.write(data.get());
            }
        }

        @Override
        public ReadHandler getReadHandler() {
            return this;
        }

        @Override
        public Writer getWriter() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CloseListener getCloseListener() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close(CloseReason reason) {
            closed.add(reason);
        }
    }
}
