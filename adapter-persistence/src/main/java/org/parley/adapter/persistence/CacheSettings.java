package org.parley.adapter.persistence;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the storage the adapter keeps in memory, so that a websocket handshake or message does not pay a
 * database round trip for a user or a thread it looked up a moment ago (see "Caches" in docs/storage.md).
 *
 * <p>Writes made through this server are seen at once whatever the settings; {@code userLifetime} bounds how long a
 * change to a user made by <em>another</em> server sharing the database can go unseen here (a user deactivated
 * through another server may keep authenticating and sending through this one for up to that long). Threads never
 * change once created, so they need no lifetime.
 *
 * @param userLifetime   how long a user read from the database is served from memory; zero: users are not cached
 * @param maximumEntries the most users, and separately the most threads, kept in memory; zero: nothing is cached
 */
public record CacheSettings(Duration userLifetime, int maximumEntries) {

    /** A few seconds: short enough for another server's deactivation to take effect quickly. */
    public static final Duration DEFAULT_USER_LIFETIME = Duration.ofSeconds(5);
    /** Enough for the active users and conversations of a busy server, at a few hundred bytes each. */
    public static final int DEFAULT_MAXIMUM_ENTRIES = 100_000;

    public CacheSettings {
        Objects.requireNonNull(userLifetime, "userLifetime");
        if (userLifetime.isNegative()) {
            throw new IllegalArgumentException("userLifetime must not be negative, got " + userLifetime);
        }
        if (maximumEntries < 0) {
            throw new IllegalArgumentException("maximumEntries must not be negative, got " + maximumEntries);
        }
    }

    /** Users for {@link #DEFAULT_USER_LIFETIME}, at most {@link #DEFAULT_MAXIMUM_ENTRIES} users and threads. */
    public static CacheSettings defaults() {
        return new CacheSettings(DEFAULT_USER_LIFETIME, DEFAULT_MAXIMUM_ENTRIES);
    }

    /** Every look-up goes to the database. */
    public static CacheSettings none() {
        return new CacheSettings(Duration.ZERO, 0);
    }

    boolean cachesUsers() {
        return maximumEntries > 0 && !userLifetime.isZero();
    }

    boolean cachesThreads() {
        return maximumEntries > 0;
    }

    /** For the start-up log line. */
    String describe() {
        if (!cachesThreads()) {
            return "no caches";
        }
        String users = cachesUsers() ? "users for " + userLifetime.toMillis() + " ms" : "users not cached";
        return users + ", at most " + maximumEntries + " users and " + maximumEntries + " threads";
    }
}
