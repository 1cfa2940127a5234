package org.parley.adapter.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Refuses request bodies above a limit with 413 {@code too_large}: at once when {@code Content-Length} announces
 * more, otherwise (chunked bodies) as soon as reading passes the limit. Multipart bodies (uploads) have their own,
 * larger limit: the largest file plus {@link #MULTIPART_OVERHEAD_BYTES} for the other fields and part headers.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
final class RequestBodyLimit implements ContainerRequestFilter {

    static final long MAX_JSON_BODY_BYTES = 1024L * 1024L;
    static final long MULTIPART_OVERHEAD_BYTES = 1024L * 1024L;

    private final long maxJsonBytes;
    private final long maxMultipartBytes;

    RequestBodyLimit(long maxJsonBytes, long maxUploadBytes) {
        if (maxJsonBytes < 1 || maxUploadBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxJsonBytes = maxJsonBytes;
        this.maxMultipartBytes = maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        boolean multipart = contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/");
        long maxBytes = multipart ? maxMultipartBytes : maxJsonBytes;
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null && announcesMoreThanLimit(length, maxBytes)) {
            throw new BodyTooLarge(maxBytes);
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Limited(request.getEntityStream(), maxBytes));
        }
    }

    private static boolean announcesMoreThanLimit(String length, long maxBytes) {
        try {
            return Long.parseLong(length.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            // Digits beyond the range of a long are more than the limit; anything else the container has refused.
            return length.strip().chars().allMatch(Character::isDigit);
        }
    }

    /** A request body above the limit. */
    static final class BodyTooLarge extends IOException {
        private final long maxBytes;

        BodyTooLarge(long maxBytes) {
            super("Request body larger than " + maxBytes + " bytes");
            this.maxBytes = maxBytes;
        }

        long maxBytes() {
            return maxBytes;
        }
    }

    /** Passes bytes through until more than {@code maxBytes} have been read, then fails every read. */
    private static final class Limited extends FilterInputStream {
        private final long maxBytes;
        private long count;

        Limited(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                counted(skipped);
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void counted(long n) throws BodyTooLarge {
            count += n;
            if (count > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }
    }
}
