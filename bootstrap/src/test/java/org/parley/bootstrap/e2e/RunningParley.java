package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * Starts a real Parley for a test class — embedded H2 in a fresh temporary data directory, any free port — and stops
 * it afterwards. Register it as a static field with {@code @RegisterExtension}.
 */
public final class RunningParley implements BeforeAllCallback, AfterAllCallback {

    public static final String JWT_SECRET = "e2e-test-secret-that-is-long-enough-for-hs256";
    public static final String ADMIN_API_KEY = "e2e-admin-api-key-0123456789";

    private final long maxUploadBytes;
    private Path dataDir;
    private Parley parley;
    private ParleyConfig config;

    /** A server with the default upload limit (25 MiB). */
    public RunningParley() {
        this(25L * 1024 * 1024);
    }

    /** A server that accepts files of at most {@code maxUploadBytes}. */
    public RunningParley(long maxUploadBytes) {
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("parley-e2e-");
        config = new ParleyConfig(
                "127.0.0.1",
                0,
                dataDir,
                Optional.empty(),
                Optional.of(JWT_SECRET),
                Duration.ofMinutes(15),
                Duration.ofDays(1),
                Optional.of(ADMIN_API_KEY),
                maxUploadBytes,
                10_000,
                64 * 1024,
                1_000,
                Duration.ofSeconds(30),
                Duration.ofHours(1));
        parley = Parley.start(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (parley != null) {
            parley.close();
        }
        deleteRecursively(dataDir);
    }

    public int port() {
        return parley.port();
    }

    public String httpBase() {
        return "http://127.0.0.1:" + port();
    }

    public String wsBase() {
        return "ws://127.0.0.1:" + port();
    }

    public Parley parley() {
        return parley;
    }

    public Path dataDir() {
        return dataDir;
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
