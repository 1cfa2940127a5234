package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameWriter}'s held-outcomes queue, made by the first outcome that arrives under the lock and let go once
 * told, under threads racing: several writers (the application's frames and Tyrus's pings) over a stand-in for
 * Grizzly that, like Tyrus's {@code TaskProcessor}, has whichever thread holds its (try-)lock complete the writes other
 * threads queued, and a "selector" thread completing writes outside every lock. Every outcome must be told exactly
 * once, never with the writer's lock held, and no queue may be left once all is told.
 */
class FrameWriterConcurrencyTest {

    private static final byte[] PING = {(byte) 0x89, 0};
    private static final int WRITERS = 4;
    private static final int FRAMES_PER_WRITER = 250_000;

    @Test
    void everyOutcomeIsToldExactlyOnceOutsideTheLockAndNoQueueIsLeft() throws Exception {
        Completing grizzly = new Completing();
        FrameWriter writer = new FrameWriter(grizzly);
        int outcomes = WRITERS * FRAMES_PER_WRITER;
        AtomicIntegerArray told = new AtomicIntegerArray(outcomes);
        AtomicInteger toldUnderLock = new AtomicInteger();
        AtomicInteger toldTotal = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writerIndex = w;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int f = 0; f < FRAMES_PER_WRITER; f++) {
                    int id = writerIndex * FRAMES_PER_WRITER + f;
                    Runnable record = () -> {
                        if (Thread.holdsLock(writer)) {
                            toldUnderLock.incrementAndGet();
                        }
                        told.incrementAndGet(id);
                        toldTotal.incrementAndGet();
                    };
                    if ((f & 1) == 0) {
                        writer.writeText(FrameWriter.textFrame("x"), failure -> record.run());
                    } else {
                        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() {
                            @Override
                            public void completed(ByteBuffer result) {
                                record.run();
                            }
                        });
                    }
                }
            }, "writer-" + w));
        }
        Thread selector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                grizzly.completeSome();
            }
        }, "selector");
        threads.forEach(Thread::start);
        selector.start();
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }
        selector.interrupt();
        selector.join();
        grizzly.completeAll(); // what is left, outside every lock

        assertThat(toldUnderLock.get()).as("outcomes told with the writer's lock held").isZero();
        assertThat(toldTotal.get()).as("outcomes told").isEqualTo(outcomes);
        for (int i = 0; i < outcomes; i++) {
            assertThat(told.get(i)).as("times outcome %d was told", i).isEqualTo(1);
        }
        assertThat(writer.holdsAQueue()).as("a queue left after every outcome was told").isFalse();
    }

    /**
     * Queues each write; inside a write, the thread that gets the (try-)lock completes some queued writes, its own and
     * other threads' (as Tyrus's {@code TaskProcessor} does); {@link #completeSome} does the same from outside.
     */
    private static final class Completing extends Writer {
        private final ReentrantLock taskLock = new ReentrantLock();
        private final ArrayDeque<CompletionHandler<ByteBuffer>> pending = new ArrayDeque<>();

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
            write(buffer, completionHandler, null);
        }

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler, WriterInfo writerInfo) {
            if (handler != null) {
                synchronized (pending) {
                    pending.add(handler);
                }
            }
            if (ThreadLocalRandom.current().nextInt(3) != 0) {
                completeSome();
            }
        }

        void completeSome() {
            if (!taskLock.tryLock()) {
                return;
            }
            try {
                int n = ThreadLocalRandom.current().nextInt(1, 4);
                for (int i = 0; i < n; i++) {
                    CompletionHandler<ByteBuffer> next;
                    synchronized (pending) {
                        next = pending.poll();
                    }
                    if (next == null) {
                        return;
                    }
                    next.completed(null);
                }
            } finally {
                taskLock.unlock();
            }
        }

        void completeAll() {
            while (true) {
                CompletionHandler<ByteBuffer> next;
                synchronized (pending) {
                    next = pending.poll();
                }
                if (next == null) {
                    return;
                }
                next.completed(null);
            }
        }

        @Override
        public void close() {
        }
    }
}
