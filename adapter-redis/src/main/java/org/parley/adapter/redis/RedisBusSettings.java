package org.parley.adapter.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the bus is and what it is called.
 *
 * @param url            {@code redis://[user:password@]host[:port][/database]} or {@code rediss://…} (TLS)
 * @param channel        the name of the deployment on that Redis: every node of one deployment uses the same, two
 *                       deployments sharing a Redis use different ones (pub/sub channels ignore the database number).
 *                       Letters, digits and {@code .-_:} only, at most 100
 * @param connectTimeout how long start-up waits for Redis before it fails
 */
public record RedisBusSettings(String url, String channel, Duration connectTimeout) {

    public static final String DEFAULT_CHANNEL = "parley";
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9._:\\-]{1,100}");

    public RedisBusSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        String scheme = url.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("redis://") && !scheme.startsWith("rediss://")) {
            throw new IllegalArgumentException("must start with redis:// or rediss://");
        }
        try {
            URI parsed = URI.create(url);
            if (parsed.getHost() == null || parsed.getHost().isBlank()) {
                throw new IllegalArgumentException("names no host");
            }
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("is not a valid URL (" + withoutSecrets(malformed.getMessage()) + ")");
        }
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("the channel must be 1 to 100 letters, digits or . - _ :");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
    }

    /** The Redis pub/sub channel the nodes of this deployment publish on. */
    String redisChannel() {
        return channel + ":events";
    }

    /** The URL as it may be shown: {@code scheme://host:port/database}, without user or password. */
    public String shown() {
        URI parsed = URI.create(url);
        return parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
                + (parsed.getPath() == null ? "" : parsed.getPath());
    }

    @Override
    public String toString() {
        return "RedisBusSettings[url=" + shown() + ", channel=" + channel + ", connectTimeout=" + connectTimeout + "]";
    }

    private static String withoutSecrets(String message) {
        return message == null ? "" : message.replaceAll("//[^@/\\s]*@", "//***@");
    }
}
