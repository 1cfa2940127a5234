package org.parley.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the abuser does in the {@code abuse} mode (issue 13, contract §16), named as on the command line
 * ({@code --abuse flood}). Each kind has its own default for {@code --connections} and {@code --body-chars}.
 */
enum AbuseKind {

    /** One user sends as fast as it can (W messages in flight per connection) on a few websockets. */
    FLOOD("flood", 4, 0),
    /** One user opens N websockets and sends a second user messages at the abuse rate: each fans out to all N. */
    CONNECTIONS("connections", 2_000, 0),
    /** A receiver whose websockets complete the handshake and then never read, sent large messages at the abuse rate. */
    SLOW_CONSUMER("slow-consumer", 4, 9_000),
    /** N connections that send a whole {@code POST} request head and then one byte of its body a second. */
    SLOW_BODIES("slow-bodies", 2_000, 0),
    /** N connections that send a request line and then one byte of a header a second, never ending the head. */
    SLOW_HEADERS("slow-headers", 2_000, 0);

    private final String optionName;
    private final int defaultConnections;
    private final int defaultBodyChars;

    AbuseKind(String optionName, int defaultConnections, int defaultBodyChars) {
        this.optionName = optionName;
        this.defaultConnections = defaultConnections;
        this.defaultBodyChars = defaultBodyChars;
    }

    /** The name on the command line and in reports, e.g. {@code slow-consumer}. */
    String optionName() {
        return optionName;
    }

    /** The abuser's connections when {@code --connections} is not given. */
    int defaultConnections() {
        return defaultConnections;
    }

    /** The length of the abusers' message bodies when {@code --body-chars} is not given (0: a short body). */
    int defaultBodyChars() {
        return defaultBodyChars;
    }

    static Optional<AbuseKind> named(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(kind -> kind.optionName.equals(wanted)).findFirst();
    }

    /** The names, for messages: {@code flood, connections, slow-consumer, slow-bodies, slow-headers}. */
    static String names() {
        return Arrays.stream(values()).map(AbuseKind::optionName).collect(Collectors.joining(", "));
    }
}
