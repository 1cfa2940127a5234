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
 * <p>{@link #toString()} never shows the password, nor credentials written into the URL.
 *
 * @param username empty when the URL or the driver supplies it
 * @param password empty when there is none
 */
public record DatabaseSettings(
        String jdbcUrl, String username, String password, int maximumPoolSize, Duration connectionTimeout) {

    /** The pool size of the embedded database: enough for a single server's concurrent requests. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long a request (or start-up) waits for a database connection by default. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(250);
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?;\\s\"']*@");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)((?<![\\w.-])[\\w.-]*(?:password|pwd|secret|key|token)\\s*=\\s*)[^\\s;&,)\"']*");
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile(";\\s*[^;=]*(password|pwd|secret|key|token)[^;=]*=[^;]*", Pattern.CASE_INSENSITIVE);

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        if (!jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            throw new IllegalArgumentException("Not a JDBC URL (it must start with jdbc:): " + redact(jdbcUrl));
        }
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1, got " + maximumPoolSize);
        }
        if (connectionTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, got " + connectionTimeout);
        }
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
                + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
