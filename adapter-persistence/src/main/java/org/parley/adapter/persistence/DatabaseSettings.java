package org.parley.adapter.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where Parley's database is and how to reach it: a JDBC URL (H2 or PostgreSQL) with credentials, the size of the
 * connection pool, and how long to wait for a connection (also the longest start-up waits for the database).
 *
 * <p><b>Durable commits on H2.</b> H2 keeps committed transactions in memory for up to {@code WRITE_DELAY}
 * milliseconds (500 by default) before writing them to its file, so a process killed in that window loses transactions
 * whose commit had returned, and its sequences restart below ids already handed out. Parley acknowledges a message
 * only after its commit, so every {@code jdbc:h2:} URL gets {@code ;WRITE_DELAY=0} (H2 then writes each commit to the
 * file before the commit returns); a URL that sets another {@code WRITE_DELAY} is refused. H2 then does no housekeeping
 * of its file, so for an embedded database Parley does it ({@code H2Housekeeping}). What this does and does not
 * protect against (power loss), and the file's size: "What survives a crash" in docs/storage.md.
 *
 * <p>{@link #toString()} never shows the password, nor credentials written into the URL.
 *
 * @param jdbcUrl  the URL as given, with {@code ;WRITE_DELAY=0} appended for H2 when it does not already say so
 * @param username empty when the URL or the driver supplies it
 * @param password empty when there is none
 * @param connectionTimeout how long start-up waits for the database ({@code PARLEY_DB_CONNECT_TIMEOUT_SECONDS})
 * @param requestTimeout    how long a request waits for the database once Parley runs
 *                          ({@code PARLEY_DB_TIMEOUT_SECONDS}): for a pooled connection and, on PostgreSQL, for the
 *                          server's answer on it; beyond it the request is refused as the database being unreachable
 */
public record DatabaseSettings(
        String jdbcUrl, String username, String password, int maximumPoolSize, Duration connectionTimeout,
        Duration requestTimeout) {

    /** The pool size of the embedded database: enough for a single server's concurrent requests. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long a request (or start-up) waits for a database connection by default. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    /** How long a request waits for the database by default once Parley runs. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** H2's URL setting (and {@code SET} statement) for how long a commit may stay in memory, in milliseconds. */
    static final String H2_WRITE_DELAY = "WRITE_DELAY";

    private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(250);
    private static final long H2_COMMIT_GATHERING_MILLIS = 1;
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?;\\s\"']*@");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)((?<![\\w.-])[\\w.-]*(?:password|pwd|secret|key|token)\\s*=\\s*)[^\\s;&,)\"']*");
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile(";\\s*[^;=]*(password|pwd|secret|key|token)[^;=]*=[^;]*", Pattern.CASE_INSENSITIVE);

    /**
     * @throws IllegalArgumentException when the URL is not a JDBC URL or is an H2 URL that sets a {@code WRITE_DELAY}
     *                                  other than 0, the pool size is below 1 or the timeout below 250 ms
     */
    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (!jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            throw new IllegalArgumentException("Not a JDBC URL (it must start with jdbc:): " + redact(jdbcUrl));
        }
        jdbcUrl = withDurableH2Commits(jdbcUrl);
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1, got " + maximumPoolSize);
        }
        if (connectionTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, got " + connectionTimeout);
        }
        if (requestTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException("requestTimeout must be at least 250 ms, got " + requestTimeout);
        }
    }

    /**
     * Settings whose requests wait for the database at most {@link #DEFAULT_REQUEST_TIMEOUT}, or
     * {@code connectionTimeout} when that is shorter.
     */
    public DatabaseSettings(String jdbcUrl, String username, String password, int maximumPoolSize,
                            Duration connectionTimeout) {
        this(jdbcUrl, username, password, maximumPoolSize, connectionTimeout,
                connectionTimeout.compareTo(DEFAULT_REQUEST_TIMEOUT) < 0 ? connectionTimeout : DEFAULT_REQUEST_TIMEOUT);
    }

    /** These settings with requests waiting at most {@code timeout} for the database. */
    public DatabaseSettings withRequestTimeout(Duration timeout) {
        return new DatabaseSettings(jdbcUrl, username, password, maximumPoolSize, connectionTimeout, timeout);
    }

    /** How long group commit may wait to gather messages into one commit on H2 ({@link #commitGathering()}). */
    static final Duration H2_COMMIT_GATHERING = Duration.ofMillis(H2_COMMIT_GATHERING_MILLIS);

    /**
     * How long group commit may hold a small batch to gather more messages into one commit on this database, while
     * messages arrive closer together than that (the application's gathering wait, bounded by each batch's first
     * message): {@value #H2_COMMIT_GATHERING_MILLIS} ms on H2, none elsewhere. On H2 a commit costs more than its own
     * time: each is a chunk written to the file whose bookkeeping H2 keeps for its 45 s retention time, and a commit
     * of one message allocates about 70 KB against about 31 KB per message in commits of four, so at 2,000 messages/s
     * one-message commits keep tens of thousands of chunks alive for every young collection to copy
     * (docs/PERFORMANCE.md, "Fewer, fuller commits at low rates"). An in-memory H2 database ({@code jdbc:h2:mem:})
     * writes no chunks and gets none; neither does PostgreSQL, whose commit leaves nothing behind in Parley's heap.
     * What a commit promises is the same either way.
     */
    public Duration commitGathering() {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") ? H2_COMMIT_GATHERING : Duration.ZERO;
    }

    /** Whether this is a PostgreSQL URL. */
    boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * The embedded H2 file database {@code parley} inside {@code dataDir}, which is created if missing; the database
     * files are created on first start.
     *
     * @throws UncheckedIOException when {@code dataDir} cannot be created
     */
    public static DatabaseSettings embeddedH2(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
        // The pool closes the database on shutdown; H2's own shutdown hook must not close it under the pool first.
        // (The constructor adds WRITE_DELAY=0: every commit is written to the file before it returns.)
        String url = "jdbc:h2:file:" + dir.resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE";
        return new DatabaseSettings(url, "sa", "", DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** The JDBC URL without any credentials or query parameters, safe to show in logs and error messages. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    /**
     * {@code text} with secrets masked by what they are, never by searching for the password's text (a short password
     * would garble the message and be revealed by the gaps): the raw JDBC URL becomes {@link #redactedUrl()}, and in
     * whatever else the text holds, the user-info of a URL ({@code //user:password@}) is left out and the value of every
     * parameter whose key names a secret ({@code password=…}, {@code ;FILE_PASSWORD=…}, {@code token=…}) becomes ***.
     */
    String withoutSecrets(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text.replace(jdbcUrl, redactedUrl());
        redacted = USER_INFO.matcher(redacted).replaceAll("//");
        return SECRET_VALUE.matcher(redacted).replaceAll("$1***");
    }

    /**
     * An H2 URL with {@code ;WRITE_DELAY=0} appended unless it already sets it to 0; any other URL unchanged. H2 reads
     * its settings from the URL as {@code ;KEY=value} after the first {@code ;}, keys in any case and values as
     * written (H2's {@code ConnectionInfo}); it refuses a key given twice with different values.
     */
    private static String withDurableH2Commits(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return url;
        }
        int settingsStart = url.indexOf(';');
        if (settingsStart >= 0) {
            for (String setting : url.substring(settingsStart + 1).split(";")) {
                int equals = setting.indexOf('=');
                if (equals > 0 && setting.substring(0, equals).toUpperCase(Locale.ROOT).equals(H2_WRITE_DELAY)) {
                    String value = setting.substring(equals + 1).strip();
                    if (!value.matches("0+")) {
                        throw new IllegalArgumentException("An H2 database URL must not set " + H2_WRITE_DELAY + " (it sets "
                                + H2_WRITE_DELAY + "=" + value + "): with a delay H2 keeps commits in memory, so a crash "
                                + "would lose messages that were already acknowledged. Leave it out: Parley sets "
                                + H2_WRITE_DELAY + "=0");
                    }
                    return url;
                }
            }
        }
        return url + ";" + H2_WRITE_DELAY + "=0";
    }

    private static String redact(String url) {
        String withoutQuery = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String withoutUserInfo = USER_INFO.matcher(withoutQuery).replaceFirst("//");
        return SECRET_PARAMETER.matcher(withoutUserInfo).replaceAll("");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + redactedUrl()
                + ", username=" + username
                + ", password=" + (password.isEmpty() ? "(none)" : "***")
                + ", maximumPoolSize=" + maximumPoolSize
                + ", connectionTimeout=" + connectionTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
