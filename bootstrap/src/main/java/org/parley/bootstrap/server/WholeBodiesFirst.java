package org.parley.bootstrap.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a request to the REST API (Jersey) only once its whole body has arrived, reading it without holding a thread:
 * a body that trickles or never comes holds a connection and at most {@value #IN_MEMORY_BYTES} bytes of memory, never
 * one of the worker threads that also carry every websocket's frames ({@code WorkerThreads}) and every other REST
 * request.
 *
 * <p>Works around: Jersey reads a request body with blocking reads ({@code GrizzlyHttpContainer.service} gives
 * resources {@code Request.getInputStream}, whose {@code InputBuffer.blockingRead} parks the worker thread until bytes
 * come or Grizzly's read timeout, 30 s, ends it with a 500). Measured before this class: 40 connections each announcing
 * a body of 100,000 bytes and sending a few held 40 of the 32 workers' turns, and another user's {@code conf_message}
 * took 29 s; with 60, chat stopped.
 *
 * <p>How: {@link #service} suspends the response and registers a {@link ReadHandler} on the request's
 * {@link NIOInputStream} ({@code InputBuffer.notifyAvailable}); Grizzly then reads the body as it arrives, on whichever
 * worker reads the socket, for an instant each time. A body of at most {@value #IN_MEMORY_BYTES} bytes stays in
 * Grizzly's input buffer; a larger one (an upload) is written to a file in the spool directory as it arrives and, once
 * complete, given back to the request as a read-only mapping of that file ({@code Request.replayPayload}), so memory
 * stays small and page cache holds the bytes. Then the wrapped handler runs on a worker, with a body that never blocks.
 * A request without a body goes straight to the wrapped handler.
 *
 * <p>Bounds, each answered with the failure envelope and {@code Connection: close} (what remains of the body cannot be
 * trusted), with at most one log line:
 * <ul>
 *   <li>{@code 408 request_timeout}: the body has not arrived within the body timeout
 *       ({@code PARLEY_BODY_TIMEOUT_SECONDS}) plus one second for every {@value #MIN_BYTES_PER_SECOND} bytes received
 *       so far; so a body that comes at least that fast is never cut off, however large, and one that stops is
 *       answered within the timeout (at most a quarter of it late);</li>
 *   <li>{@code 413 too_large}: a chunked body grows past {@code maxBodyBytes} (the largest body any route accepts);
 *       one whose {@code Content-Length} announces more is passed on unread, and the REST API refuses it from the
 *       header.</li>
 * </ul>
 *
 * <p>Not handled: a request pipelined right behind one whose body is awaited here, that is, written before that one's
 * answer came (RFC 9112 §9.3.2: a client should not pipeline after a non-idempotent request such as an upload).
 * Grizzly keeps one request in progress per connection until its answer is complete and appends whatever content
 * arrives meanwhile to it, so the pipelined request loses its first bytes. Measured by the fix's hostile review, a
 * second upload above 64 KiB written in the same write as the first was answered an empty 200 and not stored, and
 * Grizzly logged NullPointerExceptions. Browsers, curl and the JDK's HTTP client do not pipeline.
 *
 * <p>Checked on Grizzly 4.0.2, Jersey 3.1.12. Proved by
 * {@code SlowBodiesEndToEndTest.stalledBodiesOnMoreConnectionsThanWorkersDelayNeitherChatNorOtherUsersRest},
 * {@code SlowBodiesEndToEndTest.aBodyThatStopsArrivingIsAnswered408WithinTheBodyTimeout},
 * {@code SlowBodiesEndToEndTest.aLargeUploadSentInPiecesIsStoredWhole},
 * {@code SlowBodiesEndToEndTest.largeUploadsOneAfterAnotherOnOneKeptAliveConnectionAreEachStoredWhole} (the next
 * request on a kept-alive connection, see {@link Exchange#onDataAvailable}) and
 * {@code SlowBodiesEndToEndTest.aClientHangingUpMidBodyLeavesNoSpooledFileBehindAndTheServerServesOn}.
 */
final class WholeBodiesFirst extends HttpHandler {

    /** Bodies up to this size stay in Grizzly's input buffer; larger ones go to the spool directory as they come. */
    static final int IN_MEMORY_BYTES = 64 * 1024;
    /** A body arriving at least this fast (bytes per second) is never timed out. */
    static final long MIN_BYTES_PER_SECOND = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WholeBodiesFirst.class);

    private final HttpHandler handler;
    private final Duration timeout;
    private final long maxBodyBytes;
    private final Path spoolDir;
    private final ScheduledExecutorService timer;

    private WholeBodiesFirst(HttpHandler handler, Duration timeout, long maxBodyBytes, Path spoolDir,
                             ScheduledExecutorService timer) {
        this.handler = handler;
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
        this.spoolDir = spoolDir;
        this.timer = timer;
    }

    /**
     * Wraps every handler of {@code server} (Jersey's); call before the server starts.
     *
     * @param timeout      how long a body may take, plus a second per {@value #MIN_BYTES_PER_SECOND} bytes received;
     *                     positive
     * @param maxBodyBytes the largest body any handler accepts (larger chunked bodies: 413)
     * @param spoolDir     where bodies above {@value #IN_MEMORY_BYTES} bytes are written while they arrive (created;
     *                     files left in it by an earlier run are deleted)
     */
    static void wrapOn(HttpServer server, Duration timeout, long maxBodyBytes, Path spoolDir) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The body timeout must be positive: " + timeout);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        prepare(spoolDir);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-body-timeout");
            thread.setDaemon(true);
            return thread;
        });
        var configuration = server.getServerConfiguration();
        Map<HttpHandler, HttpHandlerRegistration[]> handlers =
                new LinkedHashMap<>(configuration.getHttpHandlersWithMapping());
        handlers.forEach((handler, mappings) -> {
            configuration.removeHttpHandler(handler);
            configuration.addHttpHandler(new WholeBodiesFirst(handler, timeout, maxBodyBytes, spoolDir, timer),
                    mappings);
        });
    }

    private static void prepare(Path spoolDir) {
        try {
            Files.createDirectories(spoolDir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spoolDir, "body-*")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the request body spool directory " + spoolDir, e);
        }
    }

    @Override
    public void start() {
        handler.start();
    }

    @Override
    public void destroy() {
        try {
            handler.destroy();
        } finally {
            timer.shutdownNow();
        }
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        if (request.getInputBuffer().isFinished() || announcesMoreThanLimit(request)) {
            handler.service(request, response);
            return;
        }
        response.suspend();
        new Exchange(request, response).start();
    }

    private boolean announcesMoreThanLimit(Request request) {
        return request.getContentLengthLong() > maxBodyBytes;
    }

    /** One request whose body is being awaited; its methods run on workers (reads) and on the timer (deadline). */
    private final class Exchange implements ReadHandler {
        private final Request request;
        private final Response response;
        private final NIOInputStream body;
        private final long startNanos = System.nanoTime();
        private Path spoolFile;
        private FileChannel spool;
        private long spooledBytes;
        /** Set once the request is handed on or answered: nothing happens after. */
        private boolean decided;

        Exchange(Request request, Response response) {
            this.request = request;
            this.response = response;
            this.body = request.getNIOInputStream();
        }

        void start() {
            scheduleCheck(timeout.toNanos());
            body.notifyAvailable(this, IN_MEMORY_BYTES);
        }

        @Override
        public void onDataAvailable() throws Exception {
            synchronized (this) {
                if (decided) {
                    return;
                }
                spoolAvailable();
                if (spooledBytes > maxBodyBytes) {
                    answer(413, "too_large", "The request body is larger than " + maxBodyBytes + " bytes");
                    return;
                }
                if (spooledBytes == request.getContentLengthLong()) {
                    // Every announced byte is here, so this read carried the body's end (Grizzly marks the content
                    // that completes a Content-Length last) and onAllDataRead follows on this thread. Asking for more
                    // now would make Grizzly read on (InputBuffer.notifyAvailable forks a read) while the request is
                    // handled, and the start of the client's next request on this connection would be taken as more
                    // of this one's body: that request lost its first bytes (400, or its connection closed unanswered).
                    return;
                }
            }
            body.notifyAvailable(this, IN_MEMORY_BYTES);
        }

        @Override
        public void onAllDataRead() throws Exception {
            synchronized (this) {
                if (decided) {
                    return;
                }
                if (spool != null) {
                    spoolAvailable();
                    if (spooledBytes > maxBodyBytes) {
                        answer(413, "too_large", "The request body is larger than " + maxBodyBytes + " bytes");
                        return;
                    }
                    MappedByteBuffer whole = spool.map(FileChannel.MapMode.READ_ONLY, 0, spooledBytes);
                    closeSpool();
                    request.replayPayload(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, whole));
                } else if (body.readyData() > maxBodyBytes) {
                    answer(413, "too_large", "The request body is larger than " + maxBodyBytes + " bytes");
                    return;
                }
                decided = true;
            }
            handOn();
        }

        @Override
        public void onError(Throwable failure) {
            // The client hung up or the connection was cancelled: nothing to answer.
            synchronized (this) {
                if (decided) {
                    return;
                }
                decided = true;
                closeSpool();
            }
            try {
                response.getResponse().getProcessingState().setKeepAlive(false);
                response.resume();
            } catch (RuntimeException alreadyGone) {
                // Nothing to release.
            }
        }

        /** Moves what Grizzly has buffered into the spool file; the caller holds the lock. */
        private void spoolAvailable() throws IOException {
            if (spool == null) {
                spoolFile = Files.createTempFile(spoolDir, "body-", ".part");
                spool = FileChannel.open(spoolFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            if (body.readyData() <= 0) {
                return;
            }
            Buffer chunk = body.readBuffer();
            try {
                ByteBuffer bytes = chunk.toByteBuffer();
                while (bytes.hasRemaining()) {
                    spooledBytes += spool.write(bytes);
                }
            } finally {
                chunk.tryDispose();
            }
        }

        /** Runs the wrapped handler on a worker; the body is all there. */
        private void handOn() {
            Runnable run = () -> {
                try {
                    handler.service(request, response);
                } catch (Exception | Error failure) {
                    LOG.error("The REST API failed on {} {}", request.getMethod(), request.getRequestURI(), failure);
                    if (!response.isCommitted()) {
                        response.reset();
                        response.setStatus(500);
                        writeEnvelope("internal_error", "The server failed to handle the request");
                    }
                } finally {
                    if (response.isSuspended()) {
                        response.resume();
                    }
                }
            };
            Executor workers = request.getContext().getConnection().getTransport().getWorkerThreadPool();
            try {
                if (workers == null) {
                    run.run();
                } else {
                    workers.execute(run);
                }
            } catch (RejectedExecutionException stopping) {
                onError(stopping);
            }
        }

        private void scheduleCheck(long delayNanos) {
            try {
                timer.schedule(this::checkDeadline, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(50)),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                // The server is stopping and closes every connection itself.
            }
        }

        /** The timer's task: answers 408 once the deadline has passed, else looks again (a quarter timeout later). */
        private void checkDeadline() {
            try {
                synchronized (this) {
                    if (decided) {
                        return;
                    }
                    long received = spooledBytes + Math.max(0, body.readyData());
                    long deadline = startNanos + timeout.toNanos()
                            + TimeUnit.SECONDS.toNanos(received / MIN_BYTES_PER_SECOND);
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        scheduleCheck(Math.min(left, timeout.toNanos() / 4));
                        return;
                    }
                    LOG.info("A request body did not arrive within the body timeout ({} of it received): {} {}"
                            + " answered 408", received, request.getMethod(), request.getRequestURI());
                    answer(408, "request_timeout", "The request body did not arrive in time");
                }
            } catch (RuntimeException unexpected) {
                LOG.warn("Checking a request body's deadline failed", unexpected);
            }
        }

        /** Answers {@code status} with the failure envelope and closes the connection; the caller holds the lock. */
        private void answer(int status, String code, String message) {
            decided = true;
            closeSpool();
            try {
                response.getResponse().getProcessingState().setKeepAlive(false);
                response.setStatus(status);
                response.setHeader(Header.Connection, "close");
                writeEnvelope(code, message);
                // Taken before resume(), which recycles the request.
                Connection<?> connection = request.getContext().getConnection();
                response.resume();
                if (status == 408) {
                    // The body stopped coming: Grizzly would otherwise keep waiting to skip the rest of it
                    // (HttpCodecFilter's maxPayloadRemainderToSkip) until its read timeout, ~30 s; close() is
                    // graceful: the answer already queued is written first. Not for a 413: its client is still
                    // sending, and closing on unread bytes resets the connection before it can read the answer.
                    connection.close();
                }
            } catch (RuntimeException alreadyGone) {
                // The connection went away meanwhile.
            }
        }

        private void writeEnvelope(String code, String message) {
            byte[] json = FailureEnvelope.of(code, message).getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setContentLength(json.length);
            try {
                response.getOutputStream().write(json);
            } catch (IOException clientGone) {
                // Nothing more to do.
            }
        }

        private void closeSpool() {
            if (spool == null) {
                return;
            }
            try {
                spool.close();
            } catch (IOException ignored) {
                // Deleted below either way.
            }
            try {
                Files.deleteIfExists(spoolFile);
            } catch (IOException e) {
                LOG.warn("Could not delete the spooled request body {}", spoolFile.getFileName(), e);
            }
            spool = null;
        }
    }

    @Override
    public String toString() {
        return "WholeBodiesFirst[" + Objects.toString(handler) + "]";
    }
}
