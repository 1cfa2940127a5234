package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * PostgreSQL goes away under a running Parley and comes back (issue 13, item 7), as clients see it: the real
 * PostgreSQL of the test run, reached through a {@link TcpProxy} that the test cuts and restores, so the machine's
 * shared server never notices; a real websocket client and a real HTTP client. With {@code PARLEY_DB_TIMEOUT_SECONDS=2}:
 * <ul>
 *   <li>every message sent during the outage is answered within the time-out (plus a margin for a busy machine) with
 *       an error frame {@code unavailable} that names its action and {@code client_msg_id} and carries
 *       {@code retry_after_ms}; none is confirmed;</li>
 *   <li>REST answers 503 with the failure envelope and {@code Retry-After}, as does a handshake that needs the
 *       database, within the same bound;</li>
 *   <li>the log says once that the database is down and once that it is back, with the number of refusals, and nothing
 *       per refused request (no stack trace);</li>
 *   <li>afterwards everything works without a restart, and every confirmed message is in the history; no refused one
 *       is.</li>
 * </ul>
 * Skipped (one line) without {@code -Dparley.test.postgresUrl}.
 */
class DatabaseOutageIT {

    private static final Duration DB_TIMEOUT = Duration.ofSeconds(2);
    /** The time-out, plus room for a busy 2-core machine: an answer later than this is a failure. */
    private static final Duration ANSWER_BOUND = DB_TIMEOUT.plusSeconds(2);

    private PostgresBehindAProxy postgres;
    private TcpProxy proxy;
    private Parley parley;
    private HttpApi api;

    @BeforeEach
    void startParleyBehindTheProxy(@TempDir Path dataDir) throws Exception {
        postgres = PostgresBehindAProxy.create();
        proxy = postgres.proxy();
        parley = Parley.start(ParleyConfig.fromEnvironment(
                postgres.environment(dataDir.resolve("data"), postgres.proxiedUrl(), DB_TIMEOUT)));
        api = new HttpApi("http://127.0.0.1:" + parley.port());
    }

    @AfterEach
    void stop() {
        try {
            if (parley != null) {
                parley.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /**
     * Contract §17: {@code GET /health/ready} answers 503 naming the database while it hangs (frozen) or is gone (cut),
     * every answer within the bound however long the database hangs, and 200 again once it is back, without a restart.
     */
    @Test
    void readinessNamesTheDatabaseWhileItHangsOrIsGoneAndIsUpAgainOnceItIsBack() throws Exception {
        assertThat(awaitReadiness(200).json().get("checks").get("database").asText()).isEqualTo("up");

        proxy.freeze();
        HttpApi.Reply hanging = awaitReadiness(503);
        assertThat(hanging.json().get("status").asText()).isEqualTo("down");
        assertThat(hanging.json().get("failing")).hasSize(1);
        assertThat(hanging.json().get("failing").get(0).asText()).isEqualTo("database");
        assertThat(hanging.json().get("checks").get("database").asText()).isIn("down", "timeout");
        assertThat(api.get("/health/live", null).status()).as("alive all the same").isEqualTo(200);

        proxy.thaw();
        awaitReadiness(200);

        proxy.cut();
        HttpApi.Reply gone = awaitReadiness(503);
        assertThat(gone.json().get("checks").get("database").asText()).isIn("down", "timeout");

        proxy.restore();
        assertThat(awaitReadiness(200).json().get("status").asText()).isEqualTo("up");
    }

    /** Asks {@code /health/ready} until it answers {@code status} (each answer within the bound), for at most 20 s. */
    private HttpApi.Reply awaitReadiness(int status) throws InterruptedException {
        return Readiness.await(api, status, ANSWER_BOUND);
    }

    @Test
    void duringAnOutageClientsAreAnsweredAtOnceTheLogSaysItTwiceAndEverythingComesBack() throws Exception {
        People people = new People(api);
        Person ada = people.register("Ada");
        Person alan = people.register("Alan");
        String wsBase = "ws://127.0.0.1:" + parley.port();
        List<Long> confirmed = new ArrayList<>();
        Set<String> refusedBodies = new HashSet<>();

        try (ChatSocket sender = ChatSocket.connect(wsBase, ada.access());
             ChatSocket receiver = ChatSocket.connect(wsBase, alan.access());
             ServerLog log = ServerLog.capture()) {
            sender.send(Frames.text(alan.id(), "before", "b-1"));
            confirmed.add(confirmation(sender.next(), "b-1"));
            receiver.next();

            int mark = log.mark();
            proxy.cut();

            for (int i = 1; i <= 12; i++) {
                String id = "o-" + i;
                String body = "during the outage " + i;
                long sent = System.nanoTime();
                sender.send(Frames.text(alan.id(), body, id));
                JsonNode answer = sender.next();
                Duration took = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(took).as("answer to %s", id).isLessThan(ANSWER_BOUND);
                assertThat(answer.get("action").asText()).as(answer.toString()).isEqualTo("error");
                assertThat(answer.get("code").asText()).isEqualTo("unavailable");
                assertThat(answer.get("request_action").asText()).isEqualTo("text_message");
                assertThat(answer.get("client_msg_id").asText()).isEqualTo(id);
                assertThat(answer.get("retry_after_ms").asLong()).isPositive();
                refusedBodies.add(body);
                Thread.sleep(150);
            }
            assertThat(receiver.poll(Duration.ofMillis(200))).as("nothing reaches the receiver").isNull();

            long started = System.nanoTime();
            HttpApi.Reply threads = api.get("/chat/user/threads/", ada.access());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
            assertThat(threads.status()).as(threads.raw()).isEqualTo(503);
            assertThat(threads.header("Retry-After")).isNotNull().matches("[1-9][0-9]*");
            assertThat(threads.json().get("status").asText()).isEqualTo("failure");
            assertThat(threads.json().get("success").asBoolean()).isFalse();

            // A handshake whose user is not in memory needs the database.
            String stranger = People.mintAccess(UUID.randomUUID().toString());
            started = System.nanoTime();
            WebSocketHandshakeException refused = handshakeRefusal(wsBase + "/ws/chat/room/?token=" + stranger);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
            assertThat(refused.getResponse().statusCode()).isEqualTo(503);
            assertThat(refused.getResponse().headers().firstValue("Retry-After")).hasValueSatisfying(
                    value -> assertThat(value).matches("[1-9][0-9]*"));

            List<String> duringOutage = log.since(mark);
            assertThat(duringOutage.stream().filter(line -> line.contains("cannot be reached")))
                    .as("the outage is logged once: %s", duringOutage).hasSize(1);
            assertThat(duringOutage).as("no stack trace, no line per refusal")
                    .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception:") && line.contains(" at "))
                    .hasSizeLessThanOrEqualTo(6);

            proxy.restore();
            long back = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int attempt = 0;
            while (true) {
                String id = "a-" + ++attempt;
                sender.send(Frames.text(alan.id(), "after " + attempt, id));
                JsonNode answer = sender.next();
                if ("conf_message".equals(answer.get("action").asText())) {
                    confirmed.add(confirmation(answer, id));
                    break;
                }
                assertThat(answer.get("code").asText()).isEqualTo("unavailable");
                refusedBodies.add("after " + attempt);
                assertThat(System.nanoTime()).as("Parley recovers by itself").isLessThan(back);
                Thread.sleep(250);
            }
            JsonNode delivered = receiver.next();
            assertThat(delivered.get("message").asText()).isEqualTo("after " + attempt);

            // 12 messages, one REST call, one handshake, and the messages sent after the restore until one went through;
            // plus the presence tracker's reads of thread partners (contract §13) while the handshakes of the outage
            // change who is online: at most two turns.
            int refusals = 12 + 1 + 1 + attempt - 1;
            List<String> all = log.since(mark);
            assertThat(all.stream().filter(line -> line.contains("cannot be reached"))).hasSize(1);
            assertThat(all.stream().filter(line -> line.contains("answers again after")))
                    .as("the return is logged once, with the refusals: %s", all).singleElement()
                    .satisfies(line -> {
                        Matcher counted = Pattern.compile("; (\\d+) requests were refused").matcher(line);
                        assertThat(counted.find()).as(line).isTrue();
                        assertThat(Integer.parseInt(counted.group(1))).as(line).isBetween(refusals, refusals + 2);
                    });
        }

        assertThat(api.get("/chat/user/threads/", ada.access()).status()).isEqualTo(200);
        historyHolds(ada, alan, confirmed, refusedBodies);
    }

    /**
     * Contract §14 makes a commit in doubt safe: the database commits a batch but its answer never reaches Parley, so
     * the sender is told {@code unavailable} for a message that is in fact stored. Resending it with the same
     * {@code client_msg_id} once the database answers again stores nothing more: the resend is answered with the
     * stored message's confirmation, and history holds it once. (Its receiver was never sent a frame of it, since
     * Parley never learnt of the commit; it finds the message when it catches up with {@code after=}.)
     */
    @Test
    void aMessageWhoseCommitWasNeverAnsweredIsStoredOnceWhenItsSenderSendsItAgain() throws Exception {
        People people = new People(api);
        Person ada = people.register("Ada");
        Person alan = people.register("Alan");
        String wsBase = "ws://127.0.0.1:" + parley.port();
        long before;
        JsonNode resent;
        try (ChatSocket sender = ChatSocket.connect(wsBase, ada.access());
             ChatSocket receiver = ChatSocket.connect(wsBase, alan.access())) {
            sender.send(Frames.text(alan.id(), "before", "b-1"));
            before = confirmation(sender.next(), "b-1");
            receiver.next();

            proxy.silenceAfterNextCommit();
            sender.send(Frames.text(alan.id(), "sent in doubt", "doubt-1"));
            JsonNode answer = sender.next();
            assertThat(proxy.silenced()).as("the commit reached PostgreSQL").isTrue();
            assertThat(answer.get("code").asText()).as(answer.toString()).isEqualTo("unavailable");
            assertThat(answer.get("client_msg_id").asText()).isEqualTo("doubt-1");
            proxy.cut();
            proxy.restore();

            long back = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                sender.send(Frames.text(alan.id(), "sent in doubt", "doubt-1"));
                resent = sender.next();
                if ("conf_message".equals(resent.get("action").asText())) {
                    break;
                }
                assertThat(resent.get("code").asText()).as(resent.toString()).isEqualTo("unavailable");
                assertThat(System.nanoTime()).as("Parley recovers by itself").isLessThan(back);
                Thread.sleep(250);
            }
            assertThat(receiver.poll(Duration.ofMillis(300))).as("nothing new for the receiver").isNull();
        }

        JsonNode history = api.get("/chat/messages/" + ada.id() + "/?after=" + before, alan.access()).data()
                .get("messages");
        long confirmedId = resent.get("created_msg_id").asLong();
        assertThat(confirmedId).as("the message committed in doubt (the next id), not a new one").isEqualTo(before + 1);
        assertThat(history).as("stored once: %s", history).singleElement().satisfies(message -> {
            assertThat(message.get("message").asText()).isEqualTo("sent in doubt");
            assertThat(message.get("id").asLong()).isEqualTo(confirmedId);
        });
        assertThat(resent.get("client_msg_id").asText()).isEqualTo("doubt-1");
        assertThat(resent.get("message").asText()).isEqualTo("sent in doubt");
    }

    /**
     * A partition that drops packets instead of closing connections: the database just stops answering. Requests
     * still get their answer within the time-out (pgjdbc's socket time-out, HikariCP's connection time-out), and
     * everything comes back when the network does.
     */
    @Test
    void aDatabaseThatStopsAnsweringIsAnsweredWithinTheTimeOutToo() throws Exception {
        People people = new People(api);
        Person ada = people.register("Ada");
        Person alan = people.register("Alan");
        String wsBase = "ws://127.0.0.1:" + parley.port();
        List<Long> confirmed = new ArrayList<>();
        Set<String> refusedBodies = new HashSet<>();
        try (ChatSocket sender = ChatSocket.connect(wsBase, ada.access())) {
            sender.send(Frames.text(alan.id(), "before", "b-1"));
            confirmed.add(confirmation(sender.next(), "b-1"));

            proxy.freeze();
            for (int i = 1; i <= 4; i++) {
                String id = "f-" + i;
                long sent = System.nanoTime();
                sender.send(Frames.text(alan.id(), "frozen " + i, id));
                JsonNode answer = sender.next();
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("answer to %s", id)
                        .isLessThan(ANSWER_BOUND);
                assertThat(answer.get("code").asText()).as(answer.toString()).isEqualTo("unavailable");
                assertThat(answer.get("client_msg_id").asText()).isEqualTo(id);
                refusedBodies.add("frozen " + i);
            }
            long started = System.nanoTime();
            HttpApi.Reply threads = api.get("/chat/user/threads/", ada.access());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
            assertThat(threads.status()).as(threads.raw()).isEqualTo(503);

            proxy.thaw();
            long back = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int attempt = 1; ; attempt++) {
                String id = "t-" + attempt;
                sender.send(Frames.text(alan.id(), "thawed " + attempt, id));
                JsonNode answer = sender.next();
                if ("conf_message".equals(answer.get("action").asText())) {
                    confirmed.add(confirmation(answer, id));
                    break;
                }
                assertThat(answer.get("code").asText()).isEqualTo("unavailable");
                assertThat(System.nanoTime()).as("Parley recovers by itself").isLessThan(back);
                Thread.sleep(250);
            }
        }
        // A commit whose answer was lost is in doubt (README, "Database outages"); with the connections idle when the
        // partition began, none is: no refused message is stored.
        historyHolds(ada, alan, confirmed, refusedBodies);
    }

    /** Ada's history with Alan holds every {@code confirmed} id and none of the {@code refusedBodies}. */
    private void historyHolds(Person ada, Person alan, List<Long> confirmed, Set<String> refusedBodies) {
        HttpApi.Reply history = api.get("/chat/messages/" + alan.id() + "/?limit=200", ada.access());
        assertThat(history.status()).isEqualTo(200);
        List<Long> stored = new ArrayList<>();
        Set<String> storedBodies = new HashSet<>();
        for (JsonNode message : history.data().get("messages")) {
            stored.add(message.get("id").asLong());
            storedBodies.add(message.get("message").asText());
        }
        assertThat(stored).as("every confirmed message is stored").containsAll(confirmed);
        assertThat(storedBodies).as("no refused message is stored").doesNotContainAnyElementsOf(refusedBodies);
    }

    private static long confirmation(JsonNode frame, String clientMessageId) {
        assertThat(frame.get("action").asText()).as(frame.toString()).isEqualTo("conf_message");
        assertThat(frame.get("client_msg_id").asText()).isEqualTo(clientMessageId);
        return frame.get("created_msg_id").asLong();
    }

    private static WebSocketHandshakeException handshakeRefusal(String uri) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(uri), new WebSocket.Listener() { }).join().abort();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused;
            }
            throw e;
        }
        throw new AssertionError("the handshake was accepted");
    }
}
