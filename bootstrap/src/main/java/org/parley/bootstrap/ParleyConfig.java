package org.parley.bootstrap;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.parley.adapter.redis.RedisBusSettings;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.SendRate;
import org.parley.bootstrap.logging.SecretMasking;

/**
 * Everything that can be configured, read from {@code PARLEY_*} environment variables (see the README's table).
 * A bad value stops start-up with a {@link ConfigurationException} whose one-line message names the variable and
 * never echoes a secret.
 *
 * @param jwtSecret empty: a secret is generated once and kept in the data directory ({@link SecretFile})
 * @param database  empty: the embedded H2 database in the data directory
 * @param userCacheLifetime how long a user read from the database is served from memory (zero: not at all); bounds
 *                          how long another server's change to a user goes unseen here
 * @param cacheMaxEntries   the most users, and the most threads, kept in memory (zero: no caches)
 * @param bus               empty: one node, as before; present: this node is one of several on the bus
 *                          ({@code PARLEY_REDIS_URL}, contract §18)
 * @param limits            what protects everyone from one user (contract §16)
 * @param edge              the limits at the server's edge that protect every user from one (contract §16)
 * @param orphanAge         how long after its last write an attachment file no message names is removed
 *                          ({@code PARLEY_ORPHAN_AGE_SECONDS}; the sweep also runs this often; docs/storage.md)
 * @param operations        how long the database may take to answer and how long a stop may drain
 * @param webhooks          empty: no webhook (the message path as before); present: every stored message is POSTed
 *                          to the app's backend ({@code PARLEY_WEBHOOK_URL}, contract §15)
 */
public record ParleyConfig(
        String host,
        int port,
        Path dataDir,
        Optional<Database> database,
        Optional<String> jwtSecret,
        Duration accessTokenLifetime,
        Duration refreshTokenLifetime,
        Optional<String> adminApiKey,
        long maxUploadBytes,
        int maxMessageLength,
        int maxFrameBytes,
        int passwordIterations,
        Duration websocketPingInterval,
        Duration mediaLinkLifetime,
        Duration userCacheLifetime,
        int cacheMaxEntries,
        Optional<Bus> bus,
        Limits limits, Edge edge, Duration orphanAge, Operations operations, Optional<Webhooks> webhooks) {

    public static final int MIN_SECRET_BYTES = 32;
    public static final int MIN_ADMIN_KEY_LENGTH = 16;
    public static final Duration DEFAULT_USER_CACHE_LIFETIME = Duration.ofSeconds(5);
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 100_000;
    /** How old an attachment file no message names must be before it is removed. */
    public static final Duration DEFAULT_ORPHAN_AGE = Duration.ofHours(1);
    /** How long start-up waits for Redis before it fails. */
    static final Duration BUS_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A URL's scheme, and a JDBC URL's subprotocol after it ({@code jdbc:mysql:}). */
    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*:([A-Za-z][A-Za-z0-9+.\\-]*:)?");

    /** An external database: a {@code jdbc:postgresql:} (or {@code jdbc:h2:}) URL with its credentials. */
    public record Database(String url, String user, String password, int poolSize, Duration connectionTimeout) {
        public Database {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String toString() {
            return "Database[url=" + SecretMasking.mask(url) + ", user=" + user + ", password=***, poolSize=" + poolSize
                    + "]";
        }
    }

    /**
     * The bus between nodes: a Redis URL ({@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS)
     * and the deployment's channel name on it.
     */
    public record Bus(String url, String channel) {
        public Bus {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public String toString() {
            // A Redis URL may hold a password alone ("redis://secret@host"): everything before the host goes.
            return "Bus[url=" + url.replaceFirst("//[^/@]*@", "//***@") + ", channel=" + channel + "]";
        }
    }

    /**
     * The limits of contract §16 that protect everyone from one user, each held across nodes with a bus; {@code 0}
     * turns a count or rate limit off (for load benchmarks).
     *
     * @param sendRatePerSecond messages a user may store a second ({@code PARLEY_SEND_RATE_PER_SECOND}); 0: no limit
     * @param sendBurst         messages a user may store at once ({@code PARLEY_SEND_BURST}); 0: no limit
     * @param logInFailures     failed log-ins for one e-mail address after which it waits for the window
     *                          ({@code PARLEY_LOGIN_FAILURES}); 0: no limit
     * @param logInWindow       that window, counted from the first failure ({@code PARLEY_LOGIN_WINDOW_SECONDS})
     * @param hashingThreads    threads hashing passwords, at most the processors ({@code PARLEY_HASHING_THREADS})
     * @param hashingQueue      passwords waiting for a hashing thread beyond which a log-in or registration is
     *                          answered 503 at once ({@code PARLEY_HASHING_QUEUE})
     */
    public record Limits(int sendRatePerSecond, int sendBurst, int logInFailures, Duration logInWindow,
                         int hashingThreads, int hashingQueue) {

        public static final int DEFAULT_HASHING_QUEUE = 16;

        public Limits {
            Objects.requireNonNull(logInWindow, "logInWindow");
            if (sendRatePerSecond < 0 || sendBurst < 0 || logInFailures < 0) {
                throw new IllegalArgumentException("limits are 0 (off) or positive");
            }
            if (logInWindow.isNegative() || logInWindow.isZero()) {
                throw new IllegalArgumentException("logInWindow must be positive");
            }
            if (hashingThreads < 1 || hashingQueue < 1) {
                throw new IllegalArgumentException("hashingThreads and hashingQueue must be positive");
            }
        }

        /** The contract's defaults: 20 messages a second in bursts of 40, 10 failed log-ins in 15 minutes. */
        public static Limits defaults() {
            return new Limits(20, 40, 10, Duration.ofMinutes(15), defaultHashingThreads(), DEFAULT_HASHING_QUEUE);
        }

        /**
         * No send rate and no log-in throttling, and room for many parallel log-ins (for tests and load benchmarks that
         * send fast and register many users at once).
         */
        public static Limits off() {
            return new Limits(0, 0, 0, Duration.ofMinutes(15), defaultHashingThreads(), 10_000);
        }

        /** Half the processors, at least one: the rest stay free for chat delivery whatever log-ins do. */
        public static int defaultHashingThreads() {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        }

        /** These limits with the send rate {@code perSecond} in bursts of {@code burst} (0: off). */
        public Limits withSendRate(int perSecond, int burst) {
            return new Limits(perSecond, burst, logInFailures, logInWindow, hashingThreads, hashingQueue);
        }

        /** These limits with {@code failures} failed log-ins allowed within {@code window} (0: off). */
        public Limits withLogIn(int failures, Duration window) {
            return new Limits(sendRatePerSecond, sendBurst, failures, window, hashingThreads, hashingQueue);
        }

        /** These limits with {@code threads} hashing passwords and at most {@code queue} waiting. */
        public Limits withHashing(int threads, int queue) {
            return new Limits(sendRatePerSecond, sendBurst, logInFailures, logInWindow, threads, queue);
        }

        /** The send rate, or empty when it is off. */
        public Optional<SendRate> sendRate() {
            return sendRatePerSecond == 0 || sendBurst == 0 ? Optional.empty()
                    : Optional.of(new SendRate(sendRatePerSecond, sendBurst));
        }

        /** The log-in throttling, or empty when it is off. */
        public Optional<LogInWindow> logIn() {
            return logInFailures == 0 ? Optional.empty() : Optional.of(new LogInWindow(logInFailures, logInWindow));
        }
    }

    /**
     * The limits at the edge (contract §16).
     *
     * @param allowedOrigins        {@code PARLEY_ALLOWED_ORIGINS}: the origins ({@code scheme://host[:port]}, lower
     *                              case) whose browser pages may open a websocket (others: 403) and call the REST API
     *                              (CORS); empty: every origin may open a websocket and no CORS header is sent
     * @param maxConnectionsPerUser {@code PARLEY_MAX_CONNECTIONS_PER_USER}: the most websockets one user may have open
     *                              on every node together (the next handshake: 429); 0: no limit
     * @param maxPendingBytes       {@code PARLEY_MAX_PENDING_BYTES}: the most bytes of frames waiting to be written to
     *                              one connection (above: closed with 4008 {@code slow consumer})
     * @param headerTimeout         {@code PARLEY_HEADER_TIMEOUT_SECONDS}: how long a connection may take to send a
     *                              request's headers (slower: closed); zero: no limit
     * @param bodyTimeout           {@code PARLEY_BODY_TIMEOUT_SECONDS}: how long a request's body may take to arrive
     *                              once its headers have, plus a second per 8 KiB received (slower: 408); positive
     */
    public record Edge(Set<String> allowedOrigins, int maxConnectionsPerUser, long maxPendingBytes,
                       Duration headerTimeout, Duration bodyTimeout) {

        public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 20;
        public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
        /** An origin as browsers send it: a scheme, {@code ://}, a host and maybe a port; no path. */
        private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.\\-]*://[^/?#@\\s,]+");

        public Edge {
            Objects.requireNonNull(allowedOrigins, "allowedOrigins");
            Objects.requireNonNull(headerTimeout, "headerTimeout");
            Objects.requireNonNull(bodyTimeout, "bodyTimeout");
            if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
                throw new IllegalArgumentException("The body timeout must be positive: " + bodyTimeout);
            }
            allowedOrigins = Set.copyOf(allowedOrigins);
        }

        /**
         * The defaults: every origin, 20 connections per user, 1 MiB pending per connection, 10 s for headers, 30 s
         * for a body.
         */
        public static Edge defaults() {
            return new Edge(Set.of(), DEFAULT_MAX_CONNECTIONS_PER_USER, DEFAULT_MAX_PENDING_BYTES,
                    DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT);
        }

        /** These limits with {@code origins} allowed. */
        public Edge withAllowedOrigins(Set<String> origins) {
            return new Edge(origins, maxConnectionsPerUser, maxPendingBytes, headerTimeout, bodyTimeout);
        }

        /** These limits with at most {@code max} connections per user (0: none). */
        public Edge withMaxConnectionsPerUser(int max) {
            return new Edge(allowedOrigins, max, maxPendingBytes, headerTimeout, bodyTimeout);
        }

        /** These limits with {@code timeout} for request headers (zero: none). */
        public Edge withHeaderTimeout(Duration timeout) {
            return new Edge(allowedOrigins, maxConnectionsPerUser, maxPendingBytes, timeout, bodyTimeout);
        }

        /** These limits with {@code timeout} for request bodies (positive). */
        public Edge withBodyTimeout(Duration timeout) {
            return new Edge(allowedOrigins, maxConnectionsPerUser, maxPendingBytes, headerTimeout, timeout);
        }

        /**
         * {@code PARLEY_ALLOWED_ORIGINS}: comma-separated origins, e.g. {@code https://app.example.com,
         * http://localhost:3000}; blanks around commas and one final {@code /} are ignored, case does not matter.
         * {@code null}, {@code *} and anything with a path are refused (one line naming the variable).
         */
        static Set<String> parseOrigins(String text) {
            Set<String> origins = new LinkedHashSet<>();
            for (String part : text.split(",")) {
                String origin = part.trim().toLowerCase(Locale.ROOT);
                if (origin.endsWith("/")) {
                    origin = origin.substring(0, origin.length() - 1);
                }
                if (origin.isEmpty()) {
                    continue;
                }
                if (!ORIGIN.matcher(origin).matches()) {
                    throw new ConfigurationException("PARLEY_ALLOWED_ORIGINS: '" + part.trim()
                            + "' is not an origin (scheme://host[:port], e.g. https://app.example.com; "
                            + "'null' and '*' are not accepted)");
                }
                // Browsers leave a scheme's default port out of Origin (RFC 6454 §6.2): so does the list.
                if (origin.startsWith("https://") && origin.endsWith(":443")
                        || origin.startsWith("http://") && origin.endsWith(":80")) {
                    origin = origin.substring(0, origin.lastIndexOf(':'));
                }
                origins.add(origin);
            }
            if (origins.isEmpty()) {
                throw new ConfigurationException("PARLEY_ALLOWED_ORIGINS: names no origin (leave it unset to allow "
                        + "every origin, or list them: https://app.example.com,http://localhost:3000)");
            }
            return Set.copyOf(origins);
        }
    }

    /**
     * How Parley behaves when the database goes away and when it is stopped.
     *
     * @param databaseTimeout {@code PARLEY_DB_TIMEOUT_SECONDS}: the longest a request (a REST call, a handshake, a
     *                        message's commit) waits for the database once Parley runs; beyond it the database counts
     *                        as unreachable, the request is answered 503 / {@code unavailable}, and later requests are
     *                        refused at once until the database answers again (start-up waits
     *                        {@code PARLEY_DB_CONNECT_TIMEOUT_SECONDS} instead)
     * @param drainTime       {@code PARLEY_DRAIN_SECONDS}: on a stop (SIGTERM), the longest Parley waits for the frames
     *                        it has received to be answered and their frames to leave before it closes the websockets
     *                        with 1001; zero: close at once
     * @param presenceGrace   {@code PARLEY_PRESENCE_GRACE_SECONDS}: how long a user stays online after their last
     *                        connection closed (contract §13), so that a quick reconnection announces nothing; zero:
     *                        offline at once
     * @param metrics         {@code PARLEY_METRICS}, {@code PARLEY_METRICS_TOKEN}: whether {@code GET /metrics} exists,
     *                        and whether it needs a token (contract §17)
     */
    public record Operations(Duration databaseTimeout, Duration drainTime, Duration presenceGrace, Metrics metrics) {

        public static final Duration DEFAULT_DATABASE_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(10);
        public static final Duration DEFAULT_PRESENCE_GRACE = Duration.ofSeconds(5);

        public Operations {
            Objects.requireNonNull(databaseTimeout, "databaseTimeout");
            Objects.requireNonNull(drainTime, "drainTime");
            Objects.requireNonNull(presenceGrace, "presenceGrace");
            Objects.requireNonNull(metrics, "metrics");
            if (presenceGrace.isNegative()) {
                throw new IllegalArgumentException("presenceGrace must not be negative");
            }
            if (databaseTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("databaseTimeout must be at least 250 ms");
            }
            if (drainTime.isNegative()) {
                throw new IllegalArgumentException("drainTime must not be negative");
            }
        }

        /** Without metrics. */
        public Operations(Duration databaseTimeout, Duration drainTime, Duration presenceGrace) {
            this(databaseTimeout, drainTime, presenceGrace, Metrics.off());
        }

        /** With the default presence grace (5 s). */
        public Operations(Duration databaseTimeout, Duration drainTime) {
            this(databaseTimeout, drainTime, DEFAULT_PRESENCE_GRACE);
        }

        /** 5 s for the database, 10 s to drain, 5 s of presence grace, no metrics. */
        public static Operations defaults() {
            return new Operations(DEFAULT_DATABASE_TIMEOUT, DEFAULT_DRAIN_TIME, DEFAULT_PRESENCE_GRACE);
        }

        /** These settings with requests waiting at most {@code timeout} for the database. */
        public Operations withDatabaseTimeout(Duration timeout) {
            return new Operations(timeout, drainTime, presenceGrace, metrics);
        }

        /** These settings with a stop draining for at most {@code drain}. */
        public Operations withDrainTime(Duration drain) {
            return new Operations(databaseTimeout, drain, presenceGrace, metrics);
        }

        /** These settings with users staying online {@code grace} after their last connection closed. */
        public Operations withPresenceGrace(Duration grace) {
            return new Operations(databaseTimeout, drainTime, grace, metrics);
        }

        /** These settings with {@code newMetrics}. */
        public Operations withMetrics(Metrics newMetrics) {
            return new Operations(databaseTimeout, drainTime, presenceGrace, newMetrics);
        }
    }

    /**
     * {@code GET /metrics} (contract §17).
     *
     * @param on    whether it exists (off: 404, and nothing is counted: the message path calls a no-op)
     * @param token when present, {@code Authorization: Bearer <token>} is needed (401 otherwise); never shown
     */
    public record Metrics(boolean on, Optional<String> token) {

        /** The shortest token accepted. */
        public static final int MIN_TOKEN_LENGTH = 16;

        public Metrics {
            Objects.requireNonNull(token, "token");
            if (token.isPresent() && (!on || token.get().length() < MIN_TOKEN_LENGTH)) {
                throw new IllegalArgumentException("A metrics token needs metrics on, and at least "
                        + MIN_TOKEN_LENGTH + " characters");
            }
        }

        /** No {@code /metrics} (404); the default. */
        public static Metrics off() {
            return new Metrics(false, Optional.empty());
        }

        /** {@code /metrics} for anyone who can reach the port ({@code PARLEY_METRICS=true}). */
        public static Metrics open() {
            return new Metrics(true, Optional.empty());
        }

        /** {@code /metrics} for callers with {@code token} ({@code PARLEY_METRICS_TOKEN}). */
        public static Metrics protectedBy(String token) {
            return new Metrics(true, Optional.of(token));
        }

        @Override
        public String toString() {
            return on ? (token.isPresent() ? "on, token ***" : "on, no token") : "off";
        }
    }

    /**
     * {@code PARLEY_METRICS} ({@code true} or {@code false}, default false) and {@code PARLEY_METRICS_TOKEN} (at least
     * {@value Metrics#MIN_TOKEN_LENGTH} characters; turns metrics on, protected). {@code PARLEY_METRICS=false} with a
     * token is refused as contradictory.
     */
    /**
     * Refuses a key that clients send in an HTTP header ({@code X-Api-Key}, {@code Authorization: Bearer}) unless it
     * is printable ASCII: a header's other bytes are read as ISO-8859-1, so a key with {@code ü} in it, sent as UTF-8
     * (curl, Prometheus), would never match and every request would be refused with 401. The message does not show
     * the key.
     */
    private static void sentInAHeader(String name, String key) {
        if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ConfigurationException(name + " is not printable ASCII, which it must be (it is sent in an HTTP "
                    + "header): it holds another character");
        }
    }

    private static Metrics metrics(ConfigSource source) {
        Optional<String> switched = source.get("PARLEY_METRICS").map(text -> text.strip().toLowerCase(Locale.ROOT));
        if (switched.isPresent() && !switched.get().equals("true") && !switched.get().equals("false")) {
            throw new ConfigurationException("PARLEY_METRICS: must be true or false, got '" + switched.get() + "'");
        }
        Optional<String> token = source.get("PARLEY_METRICS_TOKEN");
        if (token.isPresent()) {
            if (switched.isPresent() && switched.get().equals("false")) {
                throw new ConfigurationException("PARLEY_METRICS_TOKEN: set while PARLEY_METRICS=false (unset one)");
            }
            if (token.get().length() < Metrics.MIN_TOKEN_LENGTH) {
                throw new ConfigurationException("PARLEY_METRICS_TOKEN is too short: it must be at least "
                        + Metrics.MIN_TOKEN_LENGTH + " characters long");
            }
            sentInAHeader("PARLEY_METRICS_TOKEN", token.get());
            return Metrics.protectedBy(token.get());
        }
        return switched.map("true"::equals).orElse(false) ? Metrics.open() : Metrics.off();
    }

    /**
     * Webhooks (contract §15).
     *
     * @param url     where every event is POSTed ({@code PARLEY_WEBHOOK_URL})
     * @param secret  the HMAC-SHA256 key of {@code X-Parley-Signature} ({@code PARLEY_WEBHOOK_SECRET}); never shown
     * @param timeout how long a POST waits for its answer before it counts as failed
     *                ({@code PARLEY_WEBHOOK_TIMEOUT_MILLIS}, 5 s)
     * @param senders the most POSTs in flight at once ({@code PARLEY_WEBHOOK_THREADS}, 4)
     */
    public record Webhooks(URI url, String secret, Duration timeout, int senders) {

        public static final int MIN_SECRET_LENGTH = 16;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final int DEFAULT_SENDERS = 4;

        public Webhooks {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(timeout, "timeout");
            if (senders < 1 || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("senders and timeout must be positive");
            }
        }

        /** To {@code url} with {@code secret}, the contract's 5 s time-out and 4 senders. */
        public static Webhooks to(URI url, String secret) {
            return new Webhooks(url, secret, DEFAULT_TIMEOUT, DEFAULT_SENDERS);
        }

        /** These settings with POSTs waiting at most {@code newTimeout}. */
        public Webhooks withTimeout(Duration newTimeout) {
            return new Webhooks(url, secret, newTimeout, senders);
        }

        /** The URL without user information or query, and never the secret. */
        @Override
        public String toString() {
            return "Webhooks[url=" + url.getScheme() + "://" + url.getHost()
                    + (url.getPort() == -1 ? "" : ":" + url.getPort()) + url.getRawPath() + ", secret=***, timeout="
                    + timeout.toMillis() + " ms, senders=" + senders + "]";
        }
    }

    public ParleyConfig {
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(adminApiKey, "adminApiKey");
        Objects.requireNonNull(mediaLinkLifetime, "mediaLinkLifetime");
        Objects.requireNonNull(userCacheLifetime, "userCacheLifetime");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(orphanAge, "orphanAge");
        if (orphanAge.compareTo(Duration.ofMinutes(10)) < 0) {
            throw new IllegalArgumentException("orphanAge must be at least ten minutes");
        }
    }

    /** The configuration of one node, without a bus (for callers written before the bus existed). */
    public ParleyConfig(String host, int port, Path dataDir, Optional<Database> database, Optional<String> jwtSecret,
            Duration accessTokenLifetime, Duration refreshTokenLifetime, Optional<String> adminApiKey,
            long maxUploadBytes, int maxMessageLength, int maxFrameBytes, int passwordIterations,
            Duration websocketPingInterval, Duration mediaLinkLifetime, Duration userCacheLifetime,
            int cacheMaxEntries) {
        this(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime, adminApiKey,
                maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations, websocketPingInterval,
                mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, Optional.empty(), Limits.defaults(),
                Edge.defaults(), DEFAULT_ORPHAN_AGE, Operations.defaults(), Optional.empty());
    }

    /** The configuration of one node or several, with the default limits. */
    public ParleyConfig(String host, int port, Path dataDir, Optional<Database> database, Optional<String> jwtSecret,
            Duration accessTokenLifetime, Duration refreshTokenLifetime, Optional<String> adminApiKey,
            long maxUploadBytes, int maxMessageLength, int maxFrameBytes, int passwordIterations,
            Duration websocketPingInterval, Duration mediaLinkLifetime, Duration userCacheLifetime,
            int cacheMaxEntries, Optional<Bus> bus) {
        this(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime, adminApiKey,
                maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations, websocketPingInterval,
                mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus, Limits.defaults(), Edge.defaults(),
                DEFAULT_ORPHAN_AGE, Operations.defaults(), Optional.empty());
    }

    /** This configuration with {@code newEdge} as its limits at the edge. */
    public ParleyConfig withEdge(Edge newEdge) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus, limits,
                Objects.requireNonNull(newEdge, "newEdge"), orphanAge, operations, webhooks);
    }

    /** This configuration on {@code bus} (one of several nodes). */
    public ParleyConfig withBus(Bus newBus) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries,
                Optional.of(Objects.requireNonNull(newBus, "newBus")), limits, edge, orphanAge, operations, webhooks);
    }

    /** This configuration with other {@code limits} (contract §16). */
    public ParleyConfig withLimits(Limits newLimits) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus,
                Objects.requireNonNull(newLimits, "newLimits"), edge, orphanAge, operations, webhooks);
    }

    /** This configuration with another {@code orphanAge} (at least ten minutes). */
    public ParleyConfig withOrphanAge(Duration newOrphanAge) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus, limits, edge,
                Objects.requireNonNull(newOrphanAge, "newOrphanAge"), operations, webhooks);
    }

    /** This configuration with other {@code operations} settings (database time-out, drain time). */
    public ParleyConfig withOperations(Operations newOperations) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus, limits, edge,
                orphanAge, Objects.requireNonNull(newOperations, "newOperations"), webhooks);
    }

    /** This configuration POSTing every stored message to {@code newWebhooks} (contract §15). */
    public ParleyConfig withWebhooks(Webhooks newWebhooks) {
        return new ParleyConfig(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime,
                adminApiKey, maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations,
                websocketPingInterval, mediaLinkLifetime, userCacheLifetime, cacheMaxEntries, bus, limits, edge,
                orphanAge, operations, Optional.of(Objects.requireNonNull(newWebhooks, "newWebhooks")));
    }

    /** The configuration with the default caches (for callers written before the caches existed). */
    public ParleyConfig(String host, int port, Path dataDir, Optional<Database> database, Optional<String> jwtSecret,
            Duration accessTokenLifetime, Duration refreshTokenLifetime, Optional<String> adminApiKey,
            long maxUploadBytes, int maxMessageLength, int maxFrameBytes, int passwordIterations,
            Duration websocketPingInterval, Duration mediaLinkLifetime) {
        this(host, port, dataDir, database, jwtSecret, accessTokenLifetime, refreshTokenLifetime, adminApiKey,
                maxUploadBytes, maxMessageLength, maxFrameBytes, passwordIterations, websocketPingInterval,
                mediaLinkLifetime, DEFAULT_USER_CACHE_LIFETIME, DEFAULT_CACHE_MAX_ENTRIES);
    }

    @Override
    public String toString() {
        return "ParleyConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", database="
                + database.map(Database::toString).orElse("embedded H2") + ", jwtSecret=" + (jwtSecret.isPresent() ? "***" : "generated")
                + ", adminApi=" + (adminApiKey.isPresent() ? "on" : "off") + ", maxUploadBytes=" + maxUploadBytes
                + ", maxMessageLength=" + maxMessageLength + ", maxFrameBytes=" + maxFrameBytes
                + ", mediaLinkLifetime=" + mediaLinkLifetime + ", userCacheLifetime=" + userCacheLifetime
                + ", cacheMaxEntries=" + cacheMaxEntries + ", bus=" + bus.map(Bus::toString).orElse("none (one node)")
                + ", limits=" + limits + ", edge=" + edge + ", orphanAge=" + orphanAge + ", operations=" + operations
                + ", webhooks=" + webhooks.map(Webhooks::toString).orElse("off") + "]";
    }

    /** The configuration in {@code environment} (normally {@link System#getenv()}). */
    public static ParleyConfig fromEnvironment(Map<String, String> environment) {
        return from(ConfigSource.of(environment));
    }

    /** The configuration in {@code source}. */
    static ParleyConfig from(ConfigSource source) {
        Reader read = new Reader(source);

        int port = read.integer("PARLEY_PORT", 8080, 0, 65_535);
        String host = source.get("PARLEY_HOST").orElse("0.0.0.0");
        Path dataDir = read.value("PARLEY_DATA_DIR", "./data", text -> Path.of(text).toAbsolutePath().normalize());

        Optional<Database> database = source.get("PARLEY_DB_URL").map(url -> {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("jdbc:postgresql:") && !lower.startsWith("jdbc:h2:")) {
                throw new ConfigurationException("PARLEY_DB_URL: must start with jdbc:postgresql: or jdbc:h2: (got "
                        + scheme(url) + ")");
            }
            return new Database(url,
                    source.get("PARLEY_DB_USER").orElse(null),
                    source.get("PARLEY_DB_PASSWORD").orElse(null),
                    read.integer("PARLEY_DB_POOL_SIZE", 10, 1, 500),
                    Duration.ofSeconds(read.integer("PARLEY_DB_CONNECT_TIMEOUT_SECONDS", 10, 1, 600)));
        });

        Optional<String> jwtSecret = source.get("PARLEY_JWT_SECRET");
        if (jwtSecret.isPresent() && jwtSecret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigurationException("PARLEY_JWT_SECRET is too short: it must be at least " + MIN_SECRET_BYTES
                    + " bytes long");
        }
        Optional<String> adminApiKey = source.get("PARLEY_ADMIN_API_KEY");
        if (adminApiKey.isPresent() && adminApiKey.get().length() < MIN_ADMIN_KEY_LENGTH) {
            throw new ConfigurationException("PARLEY_ADMIN_API_KEY is too short: it must be at least "
                    + MIN_ADMIN_KEY_LENGTH + " characters long");
        }
        adminApiKey.ifPresent(key -> sentInAHeader("PARLEY_ADMIN_API_KEY", key));

        Optional<Bus> bus = source.get("PARLEY_REDIS_URL").map(url -> {
            Bus configured = new Bus(url, source.get("PARLEY_REDIS_CHANNEL").orElse(RedisBusSettings.DEFAULT_CHANNEL));
            busSettings(configured);
            return configured;
        });

        Operations operations = new Operations(
                Duration.ofSeconds(read.integer("PARLEY_DB_TIMEOUT_SECONDS",
                        (int) Operations.DEFAULT_DATABASE_TIMEOUT.toSeconds(), 1, 600)),
                Duration.ofSeconds(read.integer("PARLEY_DRAIN_SECONDS",
                        (int) Operations.DEFAULT_DRAIN_TIME.toSeconds(), 0, 600)),
                Duration.ofSeconds(read.integer("PARLEY_PRESENCE_GRACE_SECONDS",
                        (int) Operations.DEFAULT_PRESENCE_GRACE.toSeconds(), 0, 300)),
                metrics(source));
        Duration orphanAge = Duration.ofSeconds(read.integer("PARLEY_ORPHAN_AGE_SECONDS",
                (int) DEFAULT_ORPHAN_AGE.toSeconds(), 600, 30 * 86_400));
        Duration longestWait = database.map(Database::connectionTimeout)
                .filter(connect -> connect.compareTo(operations.databaseTimeout()) > 0)
                .orElse(operations.databaseTimeout());
        Duration uploadCommitBound = longestWait.multipliedBy(2).plusMinutes(1);
        if (orphanAge.compareTo(uploadCommitBound) < 0) {
            throw new ConfigurationException("PARLEY_ORPHAN_AGE_SECONDS: must be at least twice the longer of "
                    + "PARLEY_DB_CONNECT_TIMEOUT_SECONDS and PARLEY_DB_TIMEOUT_SECONDS plus 60 ("
                    + uploadCommitBound.toSeconds() + "), so that no upload still waiting for its message is "
                    + "swept; got " + orphanAge.toSeconds());
        }

        return new ParleyConfig(
                host,
                port,
                dataDir,
                database,
                jwtSecret,
                Duration.ofSeconds(read.integer("PARLEY_ACCESS_TOKEN_SECONDS", 900, 30, 86_400)),
                Duration.ofSeconds(read.integer("PARLEY_REFRESH_TOKEN_SECONDS", 86_400, 60, 90 * 86_400)),
                adminApiKey,
                read.longValue("PARLEY_MAX_UPLOAD_BYTES", 25L * 1024 * 1024, 1, 10L * 1024 * 1024 * 1024),
                read.integer("PARLEY_MAX_MESSAGE_LENGTH", 10_000, 1, 1_000_000),
                read.integer("PARLEY_MAX_FRAME_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
                read.integer("PARLEY_PASSWORD_ITERATIONS", 870_000, 1_000, 10_000_000),
                Duration.ofSeconds(read.integer("PARLEY_WS_PING_SECONDS", 30, 1, 3_600)),
                Duration.ofSeconds(read.integer("PARLEY_MEDIA_LINK_SECONDS", 3_600, 60, 7 * 86_400)),
                Duration.ofSeconds(read.integer("PARLEY_USER_CACHE_SECONDS",
                        (int) DEFAULT_USER_CACHE_LIFETIME.toSeconds(), 0, 3_600)),
                read.integer("PARLEY_CACHE_MAX_ENTRIES", DEFAULT_CACHE_MAX_ENTRIES, 0, 10_000_000),
                bus,
                limits(read),
                new Edge(
                        source.get("PARLEY_ALLOWED_ORIGINS").map(Edge::parseOrigins).orElse(Set.of()),
                        read.integer("PARLEY_MAX_CONNECTIONS_PER_USER", Edge.DEFAULT_MAX_CONNECTIONS_PER_USER, 0,
                                1_000_000),
                        read.longValue("PARLEY_MAX_PENDING_BYTES", Edge.DEFAULT_MAX_PENDING_BYTES, 64 * 1024,
                                1024L * 1024 * 1024),
                        Duration.ofSeconds(read.integer("PARLEY_HEADER_TIMEOUT_SECONDS",
                                (int) Edge.DEFAULT_HEADER_TIMEOUT.toSeconds(), 0, 3_600)),
                        Duration.ofSeconds(read.integer("PARLEY_BODY_TIMEOUT_SECONDS",
                                (int) Edge.DEFAULT_BODY_TIMEOUT.toSeconds(), 1, 3_600))),
                orphanAge,
                operations,
                webhooks(source, read));
    }

    /**
     * Contract §15: {@code PARLEY_WEBHOOK_URL} (an absolute http or https URL; never echoed, it may hold a password)
     * turns webhooks on, and then {@code PARLEY_WEBHOOK_SECRET} is required.
     */
    private static Optional<Webhooks> webhooks(ConfigSource source, Reader read) {
        Optional<String> url = source.get("PARLEY_WEBHOOK_URL");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI parsed;
        try {
            parsed = new URI(url.get().strip());
        } catch (URISyntaxException e) {
            throw new ConfigurationException("PARLEY_WEBHOOK_URL: not a URL (" + scheme(url.get()) + ")");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw new ConfigurationException("PARLEY_WEBHOOK_URL: must be an absolute http:// or https:// URL (got "
                    + scheme(url.get()) + ")");
        }
        String secret = source.get("PARLEY_WEBHOOK_SECRET").orElseThrow(() -> new ConfigurationException(
                "PARLEY_WEBHOOK_SECRET: must be set when PARLEY_WEBHOOK_URL is (the key that signs every POST)"));
        if (secret.length() < Webhooks.MIN_SECRET_LENGTH) {
            throw new ConfigurationException("PARLEY_WEBHOOK_SECRET is too short: it must be at least "
                    + Webhooks.MIN_SECRET_LENGTH + " characters long");
        }
        return Optional.of(new Webhooks(parsed, secret,
                Duration.ofMillis(read.integer("PARLEY_WEBHOOK_TIMEOUT_MILLIS",
                        (int) Webhooks.DEFAULT_TIMEOUT.toMillis(), 100, 60_000)),
                read.integer("PARLEY_WEBHOOK_THREADS", Webhooks.DEFAULT_SENDERS, 1, 64)));
    }

    /** Contract §16's limits; {@code 0} turns a count or rate off. */
    private static Limits limits(Reader read) {
        Limits defaults = Limits.defaults();
        int processors = Runtime.getRuntime().availableProcessors();
        return new Limits(
                read.integer("PARLEY_SEND_RATE_PER_SECOND", defaults.sendRatePerSecond(), 0, 1_000_000),
                read.integer("PARLEY_SEND_BURST", defaults.sendBurst(), 0, 1_000_000),
                read.integer("PARLEY_LOGIN_FAILURES", defaults.logInFailures(), 0, 1_000_000),
                Duration.ofSeconds(read.integer("PARLEY_LOGIN_WINDOW_SECONDS",
                        (int) defaults.logInWindow().toSeconds(), 1, 7 * 86_400)),
                read.integer("PARLEY_HASHING_THREADS", defaults.hashingThreads(), 1, Math.max(1, processors)),
                read.integer("PARLEY_HASHING_QUEUE", defaults.hashingQueue(), 1, 100_000));
    }

    /**
     * The bus adapter's settings for {@code bus}; a value it refuses is a configuration error naming the variable
     * (never echoing the URL, which may hold a password).
     */
    static RedisBusSettings busSettings(Bus bus) {
        try {
            return new RedisBusSettings(bus.url(), bus.channel(), BUS_CONNECT_TIMEOUT);
        } catch (IllegalArgumentException refused) {
            String variable = refused.getMessage().startsWith("the channel") ? "PARLEY_REDIS_CHANNEL" : "PARLEY_REDIS_URL";
            throw new ConfigurationException(variable + ": " + refused.getMessage());
        }
    }

    /**
     * The scheme of a URL, as far as it can be shown: the rest of it (user, password, host) is none of an error
     * message's business.
     */
    private static String scheme(String url) {
        Matcher scheme = URL_SCHEME.matcher(url);
        return scheme.lookingAt() ? "a URL starting with '" + scheme.group() + "'" : "something that is not a URL";
    }

    /** Parses values with a one-line, variable-naming error for anything malformed or out of range. */
    private record Reader(ConfigSource source) {

        int integer(String name, int fallback, int min, int max) {
            return (int) longValue(name, fallback, min, max);
        }

        long longValue(String name, long fallback, long min, long max) {
            long value = value(name, Long.toString(fallback), text -> {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new ConfigurationException(name + ": not a whole number"
                            + (SecretMasking.isSecretKey(name) ? "" : ": '" + text + "'"));
                }
            });
            if (value < min || value > max) {
                throw new ConfigurationException(name + ": must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        <T> T value(String name, String fallback, Function<String, T> parse) {
            String text = source.get(name).orElse(fallback);
            try {
                return parse.apply(text);
            } catch (ConfigurationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ConfigurationException(name + ": invalid value "
                        + (SecretMasking.isSecretKey(name) ? "(not shown: it is a secret)" : "'" + text + "'"));
            }
        }
    }
}
