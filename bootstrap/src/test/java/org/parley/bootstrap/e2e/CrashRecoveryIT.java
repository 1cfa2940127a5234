package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.e2e.AcknowledgedLoad.Pair;
import org.parley.bootstrap.e2e.AcknowledgedLoad.Upload;

/**
 * A {@code conf_message}, a {@code re_message} and an upload's 201 each promise that the message is stored. This test
 * keeps the promise honest against the worst a process can suffer: it starts the packaged jar, runs chat load and
 * uploads from real clients, kills the server with SIGKILL in the middle of it (no shutdown hook, no database close),
 * restarts it on the same data directory and database, and then requires that
 * <ul>
 *   <li>every message acknowledged before the kill is in history exactly once, with the text and id acknowledged
 *       (history paged back with {@code before=} and {@code limit=200});</li>
 *   <li>every upload answered 201 is in history and its file downloads with the bytes uploaded;</li>
 *   <li>messages stored after the restart get ids above every id acknowledged before the kill, so a client that has
 *       seen id N finds them with {@code after=N}.</li>
 * </ul>
 * Once on the embedded H2 database and once on a throwaway PostgreSQL database (skipped without
 * {@code -Dparley.test.postgresUrl}, failing on CI without it). See "What survives a crash" in docs/storage.md.
 */
class CrashRecoveryIT {

    private static final int PAIRS = 25;
    private static final int WINDOW = 4;
    /** The kill comes once this many messages are confirmed and a few uploads answered (or at the deadline). */
    private static final int CONFIRMED_BEFORE_KILL = 4_000;
    private static final int UPLOADS_BEFORE_KILL = 5;
    private static final Duration LOAD_DEADLINE = Duration.ofSeconds(20);
    private static final int PAGE = 200;

    private final HttpClient downloads = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void acknowledgedMessagesSurviveSigkillOnTheEmbeddedDatabase(@TempDir Path dataDir) throws Exception {
        killMidLoadAndRestart("H2", dataDir, Map.of());
    }

    /**
     * As above, with {@code RETENTION_TIME=0}: H2 reuses the space of old chunks at once, as it does after 45 s of
     * running by default. H2's own recovery of such a file can lose the last commits; Parley's ({@code H2CrashRecovery},
     * docs/storage.md) must not. A kill under load does not always land in that window (this test passed once with the
     * recovery turned off); {@code H2CrashRecoveryTest} shows the loss every time.
     */
    @Test
    void acknowledgedMessagesSurviveSigkillOnTheEmbeddedDatabaseOnceOldChunksAreReused(@TempDir Path dataDir)
            throws Exception {
        killMidLoadAndRestart("H2", dataDir, Map.of("PARLEY_DB_URL",
                "jdbc:h2:file:" + dataDir.resolve("parley") + ";DB_CLOSE_ON_EXIT=FALSE;RETENTION_TIME=0"));
    }

    @Test
    void acknowledgedMessagesSurviveSigkillOnPostgresql(@TempDir Path dataDir) throws Exception {
        String server = PostgresForTests.server();
        String database = PostgresForTests.createDatabase("parley_e2e_");
        try {
            killMidLoadAndRestart("PostgreSQL", dataDir, Map.of(
                    "PARLEY_DB_URL", server + database,
                    "PARLEY_DB_USER", PostgresForTests.user(),
                    "PARLEY_DB_PASSWORD", PostgresForTests.password()));
        } finally {
            PostgresForTests.dropDatabase(database);
        }
    }

    private void killMidLoadAndRestart(String store, Path dataDir, Map<String, String> database) throws Exception {
        Map<String, String> environment = new HashMap<>(database);
        environment.put("PARLEY_JWT_SECRET", RunningParley.JWT_SECRET);
        environment.put("PARLEY_ADMIN_API_KEY", RunningParley.ADMIN_API_KEY);

        List<Pair> pairs;
        AcknowledgedLoad load;
        try (ParleyJar first = ParleyJar.start(dataDir, environment)) {
            HttpApi api = new HttpApi(first.httpBase());
            pairs = AcknowledgedLoad.createPairs(api, PAIRS);
            load = AcknowledgedLoad.start(first.wsBase(), api, pairs, WINDOW);
            long loadStarted = System.nanoTime();
            awaitLoad(load);
            int exitValue = first.killHard();
            System.out.printf(Locale.ROOT, "%s crash test: SIGKILL after %d ms of load, with %d messages confirmed%n",
                    store, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStarted), load.confirmations());
            assertThat(exitValue).as("the server was killed by SIGKILL (exit value 128 + 9)")
                    .isEqualTo(ParleyJar.KILLED_BY_SIGKILL);
            load.stop();
        }
        assertThat(load.unexpected()).as("answers no client should get during the load").isEmpty();
        int confirmed = pairs.stream().mapToInt(pair -> load.confirmed(pair).size()).sum();
        assertThat(confirmed).as("messages confirmed before the kill").isGreaterThanOrEqualTo(500);
        assertThat(load.uploads()).as("uploads answered 201 before the kill").isNotEmpty();

        try (ParleyJar second = ParleyJar.start(dataDir, environment)) {
            HttpApi api = new HttpApi(second.httpBase());
            Survey survey = survey(second.httpBase(), api, pairs, load);
            sendAfterTheRestart(second.wsBase(), api, pairs, survey);
            System.out.printf(Locale.ROOT, "%s crash test: %s%n", store, survey);
            assertThat(survey.missing).as("acknowledged messages missing after the restart (%s)", survey).isEmpty();
            assertThat(survey.wrong).as("acknowledged messages stored differently (%s)", survey).isEmpty();
            assertThat(survey.duplicates).as("messages stored twice (%s)", survey).isEmpty();
            assertThat(survey.badDownloads).as("uploads whose file does not download as uploaded").isEmpty();
            assertThat(survey.idsNotAbove).as("new messages whose id is not above every id acknowledged before the "
                    + "kill, or that after=<the pair's last acknowledged id> does not return (%s)", survey).isEmpty();
        }
    }

    /**
     * Each sender sends one more message: its id must be above every id acknowledged before the kill, and catching up
     * with {@code after=<the highest id the pair saw acknowledged>} must return it.
     */
    private static void sendAfterTheRestart(String wsBase, HttpApi api, List<Pair> pairs, Survey survey) {
        for (Pair pair : pairs) {
            String token = People.mintAccess(pair.senderId());
            long fresh;
            try (ChatSocket socket = ChatSocket.connect(wsBase, token)) {
                socket.send(Frames.text(pair.receiverId(), "after the restart " + pair.index(), "fresh-" + pair.index()));
                JsonNode confirmation = socket.next();
                assertThat(confirmation.get("action").asText()).as(confirmation.toString()).isEqualTo("conf_message");
                fresh = confirmation.get("created_msg_id").asLong();
            }
            Long lastSeen = survey.highestAcknowledgedIdOf.get(pair);
            List<Long> caughtUp = new ArrayList<>();
            if (lastSeen != null) {
                HttpApi.Reply page = api.get("/chat/messages/" + pair.receiverId() + "/?after=" + lastSeen, token);
                assertThat(page.status()).as(page.raw()).isEqualTo(200);
                page.data().get("messages").forEach(message -> caughtUp.add(message.get("id").asLong()));
            }
            if (fresh <= survey.highestAcknowledgedId || lastSeen != null && !caughtUp.contains(fresh)) {
                survey.idsNotAbove.add("pair " + pair.index() + " got id " + fresh + ", after=" + lastSeen
                        + " gives " + caughtUp);
            }
        }
    }

    private static void awaitLoad(AcknowledgedLoad load) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_DEADLINE.toNanos();
        while (System.nanoTime() < deadline
                && (load.confirmations() < CONFIRMED_BEFORE_KILL || load.uploadsAnswered() < UPLOADS_BEFORE_KILL)) {
            Thread.sleep(20);
        }
    }

    /** What history holds after the restart, compared with what was acknowledged before the kill. */
    private static final class Survey {
        final TreeSet<Long> missing = new TreeSet<>();
        final List<String> wrong = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        final List<String> badDownloads = new ArrayList<>();
        final List<String> idsNotAbove = new ArrayList<>();
        final Map<Pair, Long> highestAcknowledgedIdOf = new HashMap<>();
        long highestAcknowledgedId;
        int confirmed;
        int received;
        int uploads;
        int stored;

        void acknowledged(Pair pair, long id) {
            highestAcknowledgedId = Math.max(highestAcknowledgedId, id);
            highestAcknowledgedIdOf.merge(pair, id, Math::max);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d conf_message, %d re_message and %d uploads acknowledged before the "
                            + "kill (highest id %d); %d messages in history after the restart; %d acknowledged "
                            + "messages missing%s, %d stored differently, %d stored twice, %d files not downloadable; "
                            + "%d of %d new messages with an id not above %d or not returned by after=%s",
                    confirmed, received, uploads, highestAcknowledgedId, stored, missing.size(),
                    missing.isEmpty() ? "" : " (ids " + missing.stream().limit(3).toList() + "… "
                            + missing.last() + ")",
                    wrong.size(), duplicates.size(), badDownloads.size(),
                    idsNotAbove.size(), PAIRS, highestAcknowledgedId,
                    idsNotAbove.isEmpty() ? "" : " (e.g. " + idsNotAbove.get(0) + ")");
        }
    }

    private Survey survey(String httpBase, HttpApi api, List<Pair> pairs, AcknowledgedLoad load)
            throws IOException, InterruptedException {
        Survey survey = new Survey();
        Map<Pair, Map<Long, JsonNode>> stored = new HashMap<>();
        for (Pair pair : pairs) {
            Map<Long, JsonNode> byId = new HashMap<>();
            stored.put(pair, byId);
            Set<String> texts = new HashSet<>();
            for (JsonNode message : history(api, pair)) {
                survey.stored++;
                long id = message.get("id").asLong();
                if (byId.put(id, message) != null) {
                    survey.duplicates.add("id " + id);
                }
                if ("text".equals(message.get("message_type").asText()) && !texts.add(message.get("message").asText())) {
                    survey.duplicates.add("text '" + message.get("message").asText() + "'");
                }
            }
            load.confirmed(pair).forEach((clientMsgId, id) -> {
                survey.confirmed++;
                survey.acknowledged(pair, id);
                JsonNode message = byId.get(id);
                if (message == null) {
                    survey.missing.add(id);
                } else if (!pair.body(clientMsgId).equals(message.get("message").asText())) {
                    survey.wrong.add("id " + id + " holds '" + message.get("message").asText() + "'");
                }
            });
            for (long id : load.received(pair)) {
                survey.received++;
                survey.acknowledged(pair, id);
                if (!byId.containsKey(id)) {
                    survey.missing.add(id);
                }
            }
        }
        for (Upload upload : load.uploads()) {
            survey.uploads++;
            survey.acknowledged(upload.pair(), upload.messageId());
            JsonNode message = stored.get(upload.pair()).get(upload.messageId());
            if (message == null) {
                survey.missing.add(upload.messageId());
            } else if (!"file".equals(message.get("message_type").asText())) {
                survey.wrong.add("upload " + upload.messageId() + " is a " + message.get("message_type").asText());
            }
            // The link the 201 answered with: signed with a key derived from the JWT secret, so it outlives a restart.
            HttpResponse<byte[]> download = downloads.send(
                    HttpRequest.newBuilder(URI.create(httpBase + upload.link())).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (download.statusCode() != 200 || !Arrays.equals(download.body(), upload.content())) {
                survey.badDownloads.add("upload " + upload.messageId() + ": HTTP " + download.statusCode());
            }
        }
        return survey;
    }

    /** The pair's whole conversation, newest first, paged back with {@code before=} as a client does. */
    private static List<JsonNode> history(HttpApi api, Pair pair) {
        String token = People.mintAccess(pair.senderId());
        List<JsonNode> messages = new ArrayList<>();
        String path = "/chat/messages/" + pair.receiverId() + "/?limit=" + PAGE;
        while (true) {
            HttpApi.Reply page = api.get(path, token);
            assertThat(page.status()).as(page.raw()).isEqualTo(200);
            page.data().get("messages").forEach(messages::add);
            if (!page.data().get("has_more").asBoolean()) {
                return messages;
            }
            path = "/chat/messages/" + pair.receiverId() + "/?limit=" + PAGE
                    + "&before=" + page.data().get("next_before").asLong();
        }
    }
}
