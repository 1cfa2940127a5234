package org.parley.adapter.websocket;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of the chat websocket.
 *
 * @param maxTextFrameBytes the largest text message (UTF-8 bytes) a client may send; a larger one closes the connection
 *                          with close code 1009
 * @param pingInterval      how often the server pings every connection; a connection that has not answered with a pong
 *                          for two intervals is closed
 */
public record WebSocketSettings(int maxTextFrameBytes, Duration pingInterval) {

    public static final int DEFAULT_MAX_TEXT_FRAME_BYTES = 64 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final int MAX_TEXT_FRAME_BYTES_CEILING = 16 * 1024 * 1024;

    public WebSocketSettings {
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (maxTextFrameBytes < 1024 || maxTextFrameBytes > MAX_TEXT_FRAME_BYTES_CEILING) {
            throw new IllegalArgumentException("maxTextFrameBytes must be between 1024 and "
                    + MAX_TEXT_FRAME_BYTES_CEILING + ", got " + maxTextFrameBytes);
        }
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("pingInterval must be positive, got " + pingInterval);
        }
    }

    /** 64 KiB frames, a ping every 30 s. */
    public static WebSocketSettings defaults() {
        return new WebSocketSettings(DEFAULT_MAX_TEXT_FRAME_BYTES, DEFAULT_PING_INTERVAL);
    }
}
