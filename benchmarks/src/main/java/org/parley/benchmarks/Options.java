package org.parley.benchmarks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The command line: a mode and {@code --name value} options, with defaults, and {@code --independent}, a flag.
 * {@code relayPort} is the relay mode's {@code --port} (0 in every other mode, which refuses it);
 * {@code restartCommand}, {@code reconnectTimeoutSeconds} and {@code reconnectBackoff} ({@code --retry-delay-ms},
 * {@code --retry-max-delay-ms}) are the storm mode's (every other mode refuses them).
 */
record Options(
        String mode,
        URI httpBase,
        Optional<URI> receiverHttpBase,
        String adminKey,
        String jwtSecret,
        OptionalLong serverPid,
        int pairs,
        int window,
        int durationSeconds,
        int warmupSeconds,
        int rate,
        int connections,
        int sourceAddresses,
        int samplePairs,
        int handshakeConcurrency,
        int ioThreads,
        int drainSeconds,
        int settleSeconds,
        Optional<AbuseKind> abuse,
        int bystanderRate,
        int abuseRate,
        int bodyChars,
        Optional<String> restartCommand,
        int reconnectTimeoutSeconds,
        Backoff reconnectBackoff,
        boolean independent,
        int relayPort,
        Optional<Path> json) {

    static final List<String> MODES = List.of("throughput", "rate", "idle", "abuse", "storm", "relay");

    static final String HELP = """
            Parley load benchmark: drives a running Parley through its public API only.

            usage: java -jar parley-bench.jar <throughput|rate|idle|abuse|storm> [options]
                   java -jar parley-bench.jar relay --port P [--admin-key K --jwt-secret S]

              throughput  P sender/receiver pairs, each sender keeps W messages in flight; delivered messages/s
              rate        a fixed total rate R over P senders; send -> re_message latency percentiles
              idle        N idle connections from several 127.0.0.x addresses; server memory per connection
                          (needs --server-pid), handshakes/s, a message on a sample, memory after closing
              abuse       a bystander pair exchanges --bystander-rate messages/s (from 127.0.0.1) while one user
                          abuses the server (from 127.0.0.2..): the bystander's send -> re_message latency with no
                          abuse (the warm-up) and under abuse (the duration), and the abuse's counters. --abuse KIND:
                            flood          W messages in flight on each of N websockets, as fast as replies come
                                           (rate_limited frames are counted) [N 4]
                            connections    N websockets for one user (accepted / refused 429 counted), then
                                           --abuse-rate messages/s to a second user, each fanned out to the N [N 2000]
                            slow-consumer  N websockets that complete the handshake and never read (reopened when
                                           the server drops them), sent --body-chars messages at --abuse-rate [N 4]
                            slow-bodies    N connections that send a POST head with Content-Length and then one
                                           body byte a second (reopened when the server drops them) [N 2000]
                            slow-headers   N connections that send a request line and then one header byte a
                                           second, never ending the head (reopened when dropped) [N 2000]
              storm       reconnect storm: N connections (N/2 sender/receiver pairs) exchange --rate messages/s;
                          after --warmup s the tool runs --restart-command, which must stop the server and start
                          it again in the background; every client reconnects at once (its first attempt without
                          a pause; after each refused or failed one it backs off exponentially with full jitter:
                          --retry-delay-ms, --retry-max-delay-ms; for at most --reconnect-timeout s), each receiver
                          catches up with GET /chat/messages/<sender>/?after=<highest id seen> (retried on the same
                          schedule), and sending goes on for --duration s
                          after all are caught up. Figures: restart -> first handshake, first handshake -> all back
                          and -> all caught up, handshakes/s (first min(N, 5000) and all), refused/failed attempts.
                          Lost = confirmed and never seen by its receiver (frame or catch-up); a message never
                          confirmed is not lost (counted as stored or not)
              relay       not a load: serves a bare in-memory reference relay on 127.0.0.1:P (admin upsert, token-
                          checked handshake, text_message -> conf_message + re_message, nothing stored; two event-loop
                          threads) until killed, and prints one line with its address; run the other modes against it
                          to state a server's figures as a fraction of a bare relay's on the same machine

            options (defaults in brackets):
              --url URL                  Parley's HTTP base, a loopback address only [http://127.0.0.1:8080]
              --receiver-url URL         several nodes (throughput, rate): the receivers connect to this node, the
                                         senders (and the admin API) to --url; every message crosses the bus
              --admin-key KEY            admin API key [$PARLEY_ADMIN_API_KEY]
              --jwt-secret SECRET        the server's HS256 secret [$PARLEY_JWT_SECRET]
              --server-pid PID           the server's process id, for its resident memory (/proc/PID/status; idle)
              --pairs P                  sender/receiver pairs (throughput, rate) [100]
              --window W                 messages in flight per sender (throughput) [8], per flooding connection
                                         (abuse flood) [64]
              --duration D               measured seconds (throughput, rate); seconds under abuse (abuse); seconds
                                         of sending after every client caught up (storm) [10; storm 5]
              --warmup S                 seconds before measuring (throughput, rate); quiet seconds before the
                                         abuse starts (abuse); seconds of traffic before the restart (storm) [3]
              --rate R                   total messages per second (rate) [2000], (storm) [200]
              --connections N            idle connections (idle) [1000]; the abuser's connections (abuse) [above];
                                         all connections, an even number (storm) [1000]
              --source-addresses K       source addresses 127.0.0.1..127.0.0.K; the abusers' 127.0.0.2..K+1 [4]
              --sample S                 pairs of idle connections that exchange a message (idle) [50]
              --handshake-concurrency C  handshakes in progress at once [64]
              --io-threads T             the tool's event-loop threads, which read, parse and send (abuse: the
                                         abusers'; the bystander has one of its own) [1]
              --drain D                  seconds to wait for outstanding frames at the end [15]
              --settle S                 seconds to let the server settle before reading memory (idle) [5]
              --abuse KIND               what the abuser does (abuse): flood, connections, slow-consumer,
                                         slow-bodies, slow-headers
              --bystander-rate R         the bystander pair's messages per second, both ways together; each user
                                         must stay under the server's per-user send rate (abuse) [20]
              --abuse-rate R             the abuser's messages per second (abuse: connections, slow-consumer); the
                                         default is contract §16's per-user send rate [20]
              --body-chars B             length of the abusers' message bodies, at most the server's
                                         PARLEY_MAX_MESSAGE_LENGTH (abuse) [9000 for slow-consumer, else short]
              --restart-command CMD      run through sh -c after the warm-up (storm): stops the server (e.g. kill -9)
                                         and starts it again in the background, then exits; the tool waits only
                                         for the command, then for its clients
              --reconnect-timeout S      the longest the clients may take to come back and catch up, counted from
                                         the restart command's start (storm) [60]
              --retry-delay-ms D         a reconnecting client's first pause, after its first refused or failed
                                         attempt (storm): a random 0..D ms; before each further attempt the
                                         ceiling doubles (0..2D, 0..4D, ...) up to --retry-max-delay-ms. The first
                                         attempt after a drop has no pause, so all reconnect at once [100]
              --retry-max-delay-ms M     the cap of a reconnecting client's pause ceiling, at least
                                         --retry-delay-ms (storm). N clients then make about 2N/M refused attempts
                                         a second while the port is closed, and come back at that rate once it
                                         opens, falling to none M s later: a larger M spreads the start's load and
                                         also the return, which bounds the handshake rate shown [2000]
              --independent              independent clients (throughput, rate): every connection writes and
                                         flushes each frame it sends at once, as separate devices do; without it,
                                         frames sent while one read batch is handled leave together in one flush
                                         when the batch ends (the rate mode's scheduled sends leave one by one
                                         either way); recorded in the JSON's parameters
              --port P                   the relay's port, 0 for any free one (relay)
              --json FILE                also write the results as JSON to FILE
              --help                     this text

            Every run but the relay stops by itself; it prints how many messages were lost or duplicated (both must be 0) and
            exits with status 2 when any were (abuse: the bystander's messages; the abusers' are only counted; storm:
            also when a client did not come back or catch up within --reconnect-timeout).
            Abuse runs are meant for a server with its limits on (contract §16 defaults): never turn them off.
            """;

    private static final Set<String> NAMES = Set.of("url", "receiver-url", "admin-key", "jwt-secret", "server-pid", "pairs", "window",
            "duration", "warmup", "rate", "connections", "source-addresses", "sample", "handshake-concurrency",
            "io-threads", "drain", "settle", "abuse", "bystander-rate", "abuse-rate", "body-chars", "restart-command",
            "reconnect-timeout", "retry-delay-ms", "retry-max-delay-ms", "port", "json");

    /** Options that take no value: present or not. */
    private static final Set<String> FLAGS = Set.of("independent");

    /** Thrown for a bad command line; the message says what is wrong. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args, Map<String, String> environment) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("a mode is required: " + String.join(", ", MODES));
        }
        String mode = args[0];
        if (!MODES.contains(mode)) {
            throw new UsageException("unknown mode '" + mode + "': use one of " + String.join(", ", MODES));
        }
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && FLAGS.contains(arg.substring(2))) {
                flags.add(arg.substring(2));
                continue;
            }
            if (!arg.startsWith("--") || !NAMES.contains(arg.substring(2))) {
                throw new UsageException("unknown option '" + arg + "' (see --help)");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(arg + " needs a value");
            }
            values.put(arg.substring(2), args[++i]);
        }
        URI httpBase = loopbackUrl("--url", values.getOrDefault("url", "http://127.0.0.1:8080"));
        Optional<URI> receiverHttpBase = values.containsKey("receiver-url")
                ? Optional.of(loopbackUrl("--receiver-url", values.get("receiver-url"))) : Optional.empty();
        if (receiverHttpBase.isPresent() && !"throughput".equals(mode) && !"rate".equals(mode)) {
            throw new UsageException("--receiver-url is for the throughput and rate modes");
        }
        String adminKey = values.getOrDefault("admin-key", environment.get("PARLEY_ADMIN_API_KEY"));
        String jwtSecret = values.getOrDefault("jwt-secret", environment.get("PARLEY_JWT_SECRET"));
        if (adminKey == null || adminKey.isBlank()) {
            throw new UsageException("--admin-key is required (or PARLEY_ADMIN_API_KEY)");
        }
        if (jwtSecret == null || jwtSecret.isBlank()) {
            throw new UsageException("--jwt-secret is required (or PARLEY_JWT_SECRET)");
        }
        Optional<AbuseKind> abuse = Optional.empty();
        if (values.containsKey("abuse")) {
            abuse = AbuseKind.named(values.get("abuse"));
            if (abuse.isEmpty()) {
                throw new UsageException("unknown --abuse '" + values.get("abuse") + "': use one of "
                        + AbuseKind.names());
            }
        }
        if ("abuse".equals(mode) != abuse.isPresent()) {
            throw new UsageException("abuse".equals(mode) ? "the abuse mode needs --abuse " + AbuseKind.names()
                    : "--abuse is for the abuse mode");
        }
        boolean storm = "storm".equals(mode);
        if (!storm && (values.containsKey("restart-command") || values.containsKey("reconnect-timeout")
                || values.containsKey("retry-delay-ms") || values.containsKey("retry-max-delay-ms"))) {
            throw new UsageException("--restart-command, --reconnect-timeout, --retry-delay-ms and "
                    + "--retry-max-delay-ms are for the storm mode");
        }
        long retryDelay = number(values, "retry-delay-ms", Backoff.DEFAULT_FIRST_MILLIS, 1, 60_000);
        long retryMaxDelay = number(values, "retry-max-delay-ms", Math.max(retryDelay, Backoff.DEFAULT_MAX_MILLIS), 1,
                600_000);
        if (retryMaxDelay < retryDelay) {
            throw new UsageException("--retry-max-delay-ms must be at least --retry-delay-ms");
        }
        if (values.containsKey("restart-command") && values.get("restart-command").isBlank()) {
            throw new UsageException("--restart-command must not be blank");
        }
        boolean independent = flags.contains("independent");
        if (independent && !"throughput".equals(mode) && !"rate".equals(mode)) {
            throw new UsageException("--independent is for the throughput and rate modes");
        }
        if ("relay".equals(mode) != values.containsKey("port")) {
            throw new UsageException("relay".equals(mode) ? "the relay mode needs --port P (0: any free port)"
                    : "--port is for the relay mode");
        }
        OptionalLong pid = values.containsKey("server-pid")
                ? OptionalLong.of(number(values, "server-pid", 0, 1, Integer.MAX_VALUE)) : OptionalLong.empty();
        Options options = new Options(mode, httpBase, receiverHttpBase, adminKey, jwtSecret, pid,
                (int) number(values, "pairs", 100, 1, 10_000),
                (int) number(values, "window", abuse.isPresent() ? 64 : 8, 1, 1_000),
                (int) number(values, "duration", storm ? 5 : 10, 1, 3_600),
                (int) number(values, "warmup", 3, 0, 600),
                (int) number(values, "rate", storm ? 200 : 2_000, 1, 1_000_000),
                (int) number(values, "connections", abuse.map(AbuseKind::defaultConnections).orElse(1_000),
                        "idle".equals(mode) || storm ? 2 : 1, 100_000),
                (int) number(values, "source-addresses", 4, 1, 250),
                (int) number(values, "sample", 50, 1, 10_000),
                (int) number(values, "handshake-concurrency", 64, 1, 10_000),
                (int) number(values, "io-threads", 1, 1, 64),
                (int) number(values, "drain", 15, 1, 600),
                (int) number(values, "settle", 5, 0, 600),
                abuse,
                (int) number(values, "bystander-rate", 20, 1, 10_000),
                (int) number(values, "abuse-rate", 20, 1, 100_000),
                (int) number(values, "body-chars", abuse.map(AbuseKind::defaultBodyChars).orElse(0), 0, 1_000_000),
                Optional.ofNullable(values.get("restart-command")),
                (int) number(values, "reconnect-timeout", 60, 1, 3_600),
                new Backoff(retryDelay, retryMaxDelay),
                independent,
                (int) number(values, "port", 0, 0, 65_535),
                Optional.ofNullable(values.get("json")).map(Path::of));
        if (storm && options.connections() % 2 != 0) {
            throw new UsageException("--connections must be even in the storm mode (senders and receivers in pairs)");
        }
        return options;
    }

    URI wsBase() {
        return webSocketBase(httpBase);
    }

    /** Where the receivers connect: the other node in multi-node runs, else the same as the senders. */
    URI receiverWsBase() {
        return webSocketBase(receiverHttpBase.orElse(httpBase));
    }

    private static URI webSocketBase(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    private static long number(Map<String, String> values, String name, long fallback, long min, long max)
            throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < min || value > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + text + "'");
        }
    }

    /** Only loopback targets: the benchmark is a load generator, never pointed at another machine by mistake. */
    private static URI loopbackUrl(String option, String text) throws UsageException {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " is not a URL: " + text);
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new UsageException(option + " must look like http://127.0.0.1:8080");
        }
        try {
            if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                throw new UsageException(option + " must be a loopback address (127.0.0.x): the load stays on this "
                        + "machine");
            }
        } catch (UnknownHostException e) {
            throw new UsageException(option + " names an unknown host: " + uri.getHost());
        }
        return uri;
    }
}
