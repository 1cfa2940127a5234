package org.parley.adapter.redis.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * Where tests find the shared Redis, decided once per test JVM; shared through this module's test-jar with bootstrap's
 * end-to-end tests. Named by {@value #URL_PROPERTY} (for example {@code redis://127.0.0.1:6379/0}). When it is not set
 * or does not answer, the tests that need it are skipped with one line saying how to enable them; on a CI server
 * ({@code CI=true}) they fail instead, so CI can never pass without them.
 *
 * <p>Tests only publish and subscribe on channels of their own ({@link #uniqueChannel}); they never stop, flush or
 * configure the shared server. A test that must stop Redis starts its own ({@link RedisServer}).
 */
public final class RedisForTests {

    public static final String URL_PROPERTY = "parley.test.redisUrl";
    private static final String HOW_TO_ENABLE = "Redis tests SKIPPED (%s): to run them, start Redis and run "
            + "mvn verify -D" + URL_PROPERTY + "=redis://127.0.0.1:6379/0";

    private static String url;
    private static String unavailable;

    private RedisForTests() {
    }

    /**
     * The shared Redis's URL, checked to answer PING. Aborts the calling test (a skip) when it is not configured or
     * does not answer, or fails it on CI.
     */
    public static synchronized String url() {
        if (url == null && unavailable == null) {
            locate();
        }
        if (unavailable != null) {
            if (onCi()) {
                throw new IllegalStateException("Redis is required on CI (CI=true) but " + unavailable);
            }
            Assumptions.abort(unavailable);
        }
        return url;
    }

    /** A channel no other test run uses. */
    public static String uniqueChannel() {
        return "parley-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static void locate() {
        String configured = System.getProperty(URL_PROPERTY, "").strip();
        if (configured.isEmpty()) {
            unavailable = URL_PROPERTY + " is not set";
        } else {
            try {
                URI uri = URI.create(configured);
                String host = uri.getHost();
                int port = uri.getPort() < 0 ? 6379 : uri.getPort();
                if (RedisServer.answersPing(host, port)) {
                    url = configured;
                } else {
                    unavailable = "Redis at " + host + ":" + port + " does not answer PING";
                }
            } catch (IllegalArgumentException malformed) {
                unavailable = URL_PROPERTY + " is not a URL";
            }
        }
        if (unavailable != null && !onCi()) {
            announce(String.format(Locale.ROOT, HOW_TO_ENABLE, unavailable));
        }
    }

    /** Once per JVM, on the process's own standard error: surefire sends that to the console even with -q. */
    @SuppressWarnings("resource")
    private static void announce(String line) {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        console.println("[parley] " + line);
    }
}
