package org.parley.adapter.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Limits and timers of the chat websocket (contract §16).
 *
 * @param maxTextFrameBytes the largest text message (UTF-8 bytes) a client may send; a larger one closes the connection
 *                          with close code 1009
 * @param pingInterval      how often the server pings every connection; a connection that has not answered with a pong
 *                          for two intervals is closed with 4000 {@code ping timeout}
 * @param maxPendingBytes   the most bytes of frames queued for one connection and not yet written to its socket; a
 *                          connection above it is closed with 4008 {@code slow consumer} and its socket released a few
 *                          seconds later whether or not the client reads ({@code PARLEY_MAX_PENDING_BYTES}, 1 MiB)
 * @param allowedOrigins    the origins ({@code scheme://host[:port]}, lower case) whose browsers may open a websocket;
 *                          a handshake with another {@code Origin} (including {@code null}), or with more than one
 *                          origin (RFC 6454 §7: the header holds one origin; RFC 6455 §4.2.1), is refused with 403,
 *                          one without an {@code Origin} header is allowed (native clients send none). Empty: every
 *                          origin is allowed ({@code PARLEY_ALLOWED_ORIGINS} unset)
 */
public record WebSocketSettings(int maxTextFrameBytes, Duration pingInterval, long maxPendingBytes,
                                Set<String> allowedOrigins) {

    public static final int DEFAULT_MAX_TEXT_FRAME_BYTES = 64 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final int MAX_TEXT_FRAME_BYTES_CEILING = 16 * 1024 * 1024;
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

    public WebSocketSettings {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (maxTextFrameBytes < 1024 || maxTextFrameBytes > MAX_TEXT_FRAME_BYTES_CEILING) {
            throw new IllegalArgumentException("maxTextFrameBytes must be between 1024 and "
                    + MAX_TEXT_FRAME_BYTES_CEILING + ", got " + maxTextFrameBytes);
        }
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("pingInterval must be positive, got " + pingInterval);
        }
        if (maxPendingBytes < 1) {
            throw new IllegalArgumentException("maxPendingBytes must be positive, got " + maxPendingBytes);
        }
        allowedOrigins = allowedOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Every origin allowed, 1 MiB of pending frames per connection. */
    public WebSocketSettings(int maxTextFrameBytes, Duration pingInterval) {
        this(maxTextFrameBytes, pingInterval, DEFAULT_MAX_PENDING_BYTES, Set.of());
    }

    /** 64 KiB frames, a ping every 30 s, 1 MiB pending per connection, every origin. */
    public static WebSocketSettings defaults() {
        return new WebSocketSettings(DEFAULT_MAX_TEXT_FRAME_BYTES, DEFAULT_PING_INTERVAL);
    }

    /**
     * Whether a handshake whose {@code Origin} headers name {@code origins} (null: no {@code Origin} header) may open a
     * websocket: with an allow-list, only when they name exactly one origin, and an allowed one. A browser sends one
     * {@code Origin} header holding one origin (RFC 6454 §7.3, RFC 6455 §4.1); anything else did not come from a
     * browser page of an allowed origin, and reading only its first value would let {@code Origin: <allowed>, <other>}
     * through.
     */
    boolean allowsOrigin(List<String> origins) {
        if (origins == null || allowedOrigins.isEmpty()) {
            return true;
        }
        return origins.size() == 1 && allowedOrigins.contains(origins.get(0).trim().toLowerCase(Locale.ROOT));
    }

    /** These settings with {@code origins} allowed. */
    public WebSocketSettings withAllowedOrigins(Set<String> origins) {
        return new WebSocketSettings(maxTextFrameBytes, pingInterval, maxPendingBytes, origins);
    }

    /** These settings with {@code bytes} as the pending-bytes bound. */
    public WebSocketSettings withMaxPendingBytes(long bytes) {
        return new WebSocketSettings(maxTextFrameBytes, pingInterval, bytes, allowedOrigins);
    }
}
