package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.statistics.Statistics;
import org.opentest4j.TestAbortedException;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Property-based tests of every entrance a client reaches, against a real running server (issues 10 and 14):
 * generated websocket frames (random JSON trees, the seven actions — text, file, profile, {@code edit_message},
 * {@code delete_message}, {@code seen}, {@code typing} — with every field missing, of the wrong type or holding
 * troublesome text, message ids of alice's own messages of each kind and state, bob's, a stranger's and none; text
 * after the object, frames around and beyond the 64 KiB limit, nesting and numbers beyond the parser's limits), raw
 * frames (binary, text that is not UTF-8), JSON bodies of register, log-in, refresh, the admin upsert, an edit
 * ({@code PATCH /chat/message/<id>/}) and a read marker ({@code POST /chat/thread/<id>/seen/}), deletions
 * ({@code DELETE /chat/message/<id>/}), presence queries ({@code GET /chat/presence/?ids=}) and multipart uploads. What
 * each input must get is written down independently of the server's code, from the contract and docs/api.md
 * ({@link FrameRules}, {@link BodyRules}; what is stored is read from the database), and after each input the test
 * checks:
 * <ul>
 *   <li>websocket: exactly one answer — the {@code conf_message} (and the receiver's {@code re_message}) of a valid
 *       send, the {@code message_edited} / {@code message_deleted} / {@code seen_message} of a change or read marker
 *       (and bob's copy: always for a change, when the marker moved for a read marker), or one error frame with the
 *       contract's code, {@code request_action} and {@code client_msg_id} echo — or the expected close code; for an
 *       accepted {@code typing} no answer, and bob's notice unless the 2 s throttle drops it; never a second answer,
 *       never an unexpected close; a valid send on the same connection right after is confirmed (it also marks where
 *       the answers to the input end);</li>
 *   <li>REST: the expected status, with the failure envelope ({@code status, entity, message, success, code}, and
 *       {@code errors.<field>} for {@code validation_error}) for every 4xx; never a 5xx, a stack trace or SQL;</li>
 *   <li>nothing half-stored: the conversation's history grows by exactly the messages confirmed (and the messages
 *       table with it), users only by 201 answers, {@code media/} only by accepted uploads, and no upload leaves a
 *       temporary file; a message changes only by an accepted edit or deletion (then as it says), alice's read
 *       marker only by an accepted one;</li>
 *   <li>the server's log grows by at most one line (as {@code logback.xml} prints it on a fresh start: a first stack
 *       trace counts all its lines; see {@link ServerLog});</li>
 *   <li>a bystander pair, on connections of its own, still chats after every {@value #BATCH} tries and after each
 *       property.</li>
 * </ul>
 *
 * <p><b>Seeds.</b> Every property runs with the fixed seed {@value #DEFAULT_SEED} by default, so a build is
 * reproducible. Explore with new inputs with {@code -Dparley.properties.seed=random}; when a property fails, jqwik
 * prints the {@code seed} it ran with (and the shrunk sample), and {@code mvn -B -ntp -q verify -pl bootstrap -am
 * -Dtest=EntrancePropertiesTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dparley.properties.seed=<seed>}
 * runs it again with the same inputs. The tries per property keep the class at about a minute on a busy 2-core
 * machine.
 */
@AddLifecycleHook(EntrancePropertiesTest.SeedFromSystemProperty.class)
@AddLifecycleHook(EntrancePropertiesTest.SkippedWithoutPostgres.class)
class EntrancePropertiesTest {

    static final String SEED_PROPERTY = "parley.properties.seed";
    static final String DEFAULT_SEED = "20261126";
    static final int BATCH = 10;
    /** Above the 64 KiB of a text field, so that both limits can be met. */
    private static final long MAX_UPLOAD_BYTES = 100_000;
    private static final long MAX_JSON_BODY_BYTES = 1024 * 1024;
    private static final Set<String> ERROR_CODES = Set.of("invalid_json", "unknown_action", "validation_error",
            "invalid_receiver", "not_found", "forbidden", "too_large", "rate_limited", "internal_error");
    private static final Set<String> REST_CODES = Set.of("validation_error", "invalid_json", "bad_request",
            "unauthorized", "not_found", "method_not_allowed", "conflict", "too_large", "unsupported_media_type");
    /** What a leaked stack trace or SQL error looks like in a response's text. */
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "at org.", "at java.", "SQL", "ERROR:",
            "org.parley", "org.hibernate", "jdbc:");
    /** The websocket frame parser of the server: one JSON value, nothing after it. */
    private static final ObjectMapper FRAME_PARSER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private static final RunningParley SERVER = new RunningParley(MAX_UPLOAD_BYTES);

    private static ServerLog log;
    private static HttpApi api;
    private static Connection database;
    private static Person alice;
    private static Person bob;
    private static Person carol;
    private static Person dave;
    private static String inactive;
    private static String upsertTarget;
    private static long alicesFile;
    private static long bobsFile;
    private static long alicesText;
    /** Alice's text messages to bob that frames and requests edit but never delete. */
    private static List<Long> keptTexts;
    /** Alice's messages to bob (texts, a file, a shared profile) that frames and requests may also delete. */
    private static List<Long> doomed;
    private static long alicesProfile;
    /** Alice's text message to bob, deleted before the first property. */
    private static long alicesDeleted;
    /** Carol's message to dave: a message alice cannot see; its thread, one alice is not in. */
    private static long foreignMessage;
    private static long foreignThread;
    private static long aliceAndBob;
    /** A message id no message will reach during the run. */
    private static final long UNKNOWN_ID = 900_000_000_000L;
    /** The first deletion's timestamp of each deleted message (a deletion again is answered with it). */
    private static final Map<Long, String> DELETED_AT = new ConcurrentHashMap<>();
    /** Messages edited or deleted during the run: a repeat of their client_msg_id shows them as they are now. */
    private static final Set<Long> CHANGED = ConcurrentHashMap.newKeySet();
    /** When the last typing notice of alice to bob that passed was sent (earliest) and seen by bob (latest). */
    private static long typingPassedFrom = Long.MIN_VALUE;
    private static long typingPassedBy = Long.MIN_VALUE;
    private static ChatSocket aliceSocket;
    private static ChatSocket bobSocket;
    private static ChatSocket carolSocket;
    private static ChatSocket daveSocket;
    /** The newest message id of alice and bob's conversation that the test has seen. */
    private static long historyTop;
    private static int tries;
    private static final Map<String, String> PASSWORDS = new ConcurrentHashMap<>();
    /** Alice's stored sends by client_msg_id: their conf_message, which a repeat of the key gets again (§14). */
    private static final Map<String, JsonNode> SENT_WITH_KEY = new ConcurrentHashMap<>();
    private static final Map<String, String> EMAILS = new ConcurrentHashMap<>();

    /** Sets every property's seed from {@value #SEED_PROPERTY} ({@value #DEFAULT_SEED} when unset; "random": none). */
    public static final class SeedFromSystemProperty implements AroundPropertyHook {
        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS;
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String seed = System.getProperty(SEED_PROPERTY, DEFAULT_SEED).strip();
            if (!seed.equalsIgnoreCase("random")) {
                context.attributes().setSeed(seed);
            }
            return property.execute();
        }
    }

    /**
     * In the PostgreSQL run without a PostgreSQL server, skips the class as {@link PostgresForTests} skips JUnit
     * tests (jqwik would report the abort of {@code @BeforeContainer} as an error); on CI it fails, as there.
     */
    public static final class SkippedWithoutPostgres implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (!PostgresForTests.selected()) {
                return SkipResult.doNotSkip();
            }
            try {
                PostgresForTests.server();
                return SkipResult.doNotSkip();
            } catch (TestAbortedException unavailable) {
                return SkipResult.skip(unavailable.getMessage());
            }
        }
    }

    @BeforeContainer
    static void startServerAndPeople() throws Exception {
        log = ServerLog.capture();
        theLogIsCapturedAsPrinted();
        SERVER.beforeAll(null);
        api = new HttpApi(SERVER.httpBase());
        People people = new People(api);
        alice = people.register("Alice");
        bob = people.register("Bob");
        carol = people.register("Carol");
        dave = people.register("Dave");
        for (Person person : List.of(alice, bob, carol, dave)) {
            PASSWORDS.put(BodyRules.normalized(person.email()), person.password());
            EMAILS.put(person.id(), BodyRules.normalized(person.email()));
        }
        inactive = UUID.randomUUID().toString();
        people.upsertFromBackend(inactive, "inactive-" + inactive + "@example.com", "Inactive", false);
        EMAILS.put(inactive, "inactive-" + inactive + "@example.com");
        upsertTarget = UUID.randomUUID().toString();
        people.upsertFromBackend(upsertTarget, "target-" + upsertTarget + "@example.com", "Target", true);
        EMAILS.put(upsertTarget, "target-" + upsertTarget + "@example.com");
        alicesFile = uploadFile(alice, bob);
        bobsFile = uploadFile(bob, alice);
        database = SERVER.connectToDatabase();
        aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
        bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access());
        carolSocket = ChatSocket.connect(SERVER.wsBase(), carol.access());
        daveSocket = ChatSocket.connect(SERVER.wsBase(), dave.access());
        alicesText = probe().messageId();
        keptTexts = List.of(alicesText, probe().messageId());
        alicesProfile = confirmedShare("setup-profile", carol.id());
        doomed = List.of(probe().messageId(), probe().messageId(), probe().messageId(), uploadFile(alice, bob),
                confirmedShare("setup-doomed-profile", dave.id()));
        alicesDeleted = probe().messageId();
        HttpApi.Reply deletion = api.send(api.request("/chat/message/" + alicesDeleted + "/", alice.access()).DELETE());
        assertThat(deletion.status()).as(deletion.raw()).isEqualTo(200);
        for (ChatSocket socket : List.of(aliceSocket, bobSocket)) {
            JsonNode deleted = next(socket, "the deletion of " + alicesDeleted, new ArrayList<>(),
                    frame -> "message_deleted".equals(frame.path("action").asText()));
            DELETED_AT.putIfAbsent(alicesDeleted, deleted.get("timestamp").asText());
        }
        CHANGED.add(alicesDeleted);
        String foreign = "bystanders setup";
        carolSocket.send(Frames.text(dave.id(), foreign));
        foreignMessage = next(daveSocket, "dave's copy of " + foreign, new ArrayList<>(),
                frame -> foreign.equals(frame.path("message").asText())).get("created_msg_id").asLong();
        next(carolSocket, "carol's confirmation", new ArrayList<>(), frame -> foreign.equals(frame.path("message").asText()));
        foreignThread = STORE.message(foreignMessage).orElseThrow().thread();
        aliceAndBob = STORE.message(alicesText).orElseThrow().thread();
        historyTop = probe().messageId();
    }

    /** Alice shares {@code profile} with bob (confirmed, and received by bob): the message's id. */
    private static long confirmedShare(String key, String profile) {
        aliceSocket.send(Map.of("action", "user_profile_message", "receiver_id", bob.id(), "attached_profile_id",
                profile, "client_msg_id", key));
        long id = next(aliceSocket, "alice's confirmation of " + key, new ArrayList<>(),
                frame -> key.equals(frame.path("client_msg_id").asText())).get("created_msg_id").asLong();
        next(bobSocket, "bob's copy of " + key, new ArrayList<>(), frame -> frame.path("created_msg_id").asLong() == id);
        return id;
    }

    /**
     * The instrument of the log check measures what it should: a line of Parley's, a warning that a library writes to
     * {@code java.util.logging} (as Grizzly, Jersey and Tyrus do), and a stack trace, seen for the first time, in all
     * its lines.
     */
    private static void theLogIsCapturedAsPrinted() {
        int mark = log.mark();
        org.slf4j.LoggerFactory.getLogger("org.parley.entrance.properties").info("captured line");
        java.util.logging.Logger.getLogger("org.glassfish.entrance.properties").severe("captured JUL line");
        org.slf4j.LoggerFactory.getLogger("org.parley.entrance.properties")
                .error("captured failure", new IllegalStateException("first time"));
        List<String> lines = log.since(mark);
        assertThat(lines).hasSizeGreaterThan(4);
        assertThat(lines.get(0)).endsWith("captured line");
        assertThat(lines.get(1)).endsWith("captured JUL line");
        assertThat(lines.get(2)).contains("captured failure [stack trace #1]");
    }

    @AfterContainer
    static void stopServer() throws SQLException {
        for (ChatSocket socket : Arrays.asList(aliceSocket, bobSocket, carolSocket, daveSocket)) {
            if (socket != null) {
                socket.close();
            }
        }
        if (database != null) {
            database.close();
        }
        try {
            SERVER.afterAll(null);
        } finally {
            if (log != null) {
                log.close();
            }
        }
    }

    @AfterProperty
    void bystandersStillChatAfterTheProperty() {
        bystandersChat();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Websocket

    /**
     * Every text frame gets exactly one answer (or the close it must get, or for an accepted {@code typing} none) and
     * the connection stays usable.
     */
    @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
    void everyFrameGetsExactlyOneAnswer(@ForAll("frames") Frame frame) throws Exception {
        FrameRules.Answer expected = FrameRules.answer(frame.text(), frame.tree(), frameWorld());
        Statistics.label("answer").collect(label(expected));
        Statistics.label("answer").coverage(checker -> {
            for (String answer : List.of("conf_message text", "conf_message file", "conf_message user_profile",
                    "error invalid_json", "error unknown_action", "error validation_error", "error invalid_receiver",
                    "error not_found", "close 1009", "message_edited", "message_deleted", "seen_message", "typing")) {
                checker.check(answer).count(count -> count > 0);
            }
        });
        Optional<Long> named = namedMessage(frame);
        List<Object> rowBefore = row(named);
        long markerBefore = STORE.marker(aliceAndBob, alice.id());
        int logMark = log.mark();
        long messagesBefore = count("messages");

        long sentAt = System.nanoTime();
        boolean sent = true;
        try {
            aliceSocket.send(frame.text());
        } catch (CompletionException refusedMidFrame) {
            sent = false; // the server may close an oversized frame's connection while the client still writes it
        }
        if (expected instanceof FrameRules.Closed closed) {
            assertThat(aliceSocket.awaitClose().code()).as("close code for %s", frame).isEqualTo(closed.code());
            aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
        } else {
            assertThat(sent).as("the frame was sent: %s", frame).isTrue();
        }
        Probe probe = probe();
        List<JsonNode> answers = new ArrayList<>(probe.answersBefore());
        List<JsonNode> received = new ArrayList<>(probe.receivedBefore());

        int stored = 0;
        Set<Long> confirmed = new HashSet<>();
        if (expected instanceof FrameRules.Closed) {
            assertThat(answers).as("nothing but the close for %s", frame).isEmpty();
            assertThat(received).as("the receiver got nothing from %s", frame).isEmpty();
        } else if (expected instanceof FrameRules.Refused refused) {
            assertThat(answers).as("exactly one answer to %s", frame).hasSize(1);
            assertErrorFrame(answers.get(0), refused, frame);
            assertThat(received).as("the receiver got nothing from %s", frame).isEmpty();
        } else if (expected instanceof FrameRules.Confirmed confirmation) {
            assertThat(answers).as("exactly one answer to %s", frame).hasSize(1);
            JsonNode conf = answers.get(0);
            Optional<JsonNode> original = sentBefore(confirmation);
            if (original.isPresent()) {
                assertRepeatedConfirmation(conf, original.get(), frame);
                assertThat(received).as("the receiver got nothing new from the repeat %s", frame).isEmpty();
            } else {
                assertConfirmation(conf, confirmation, frame);
                assertThat(received).as("the receiver got the message of %s once", frame).hasSize(1);
                assertThat(received.get(0).get("action").asText()).isEqualTo("re_message");
                assertThat(received.get(0).get("created_msg_id").asLong())
                        .isEqualTo(conf.get("created_msg_id").asLong());
                if (confirmation.stores()) {
                    stored = 1;
                    confirmed.add(conf.get("created_msg_id").asLong());
                    remember(confirmation, conf);
                }
            }
        } else if (expected instanceof FrameRules.Changed changed) {
            assertChanged(changed, answers, received, frame);
        } else if (expected instanceof FrameRules.Marked marked) {
            assertMarked(marked, answers, received, frame);
        } else {
            assertTyped(sentAt, answers, received, frame);
        }
        if (!(expected instanceof FrameRules.Changed)) {
            assertThat(row(named)).as("message %s unchanged by %s", named, frame).isEqualTo(rowBefore);
        }
        if (!(expected instanceof FrameRules.Marked)) {
            assertThat(STORE.marker(aliceAndBob, alice.id())).as("alice's marker unchanged by %s", frame)
                    .isEqualTo(markerBefore);
        }
        confirmed.add(probe.messageId());
        JsonNode newMessages = messagesAfter(historyTop);
        Set<Long> inHistory = new HashSet<>();
        newMessages.forEach(message -> inHistory.add(message.get("id").asLong()));
        assertThat(inHistory).as("history grew by exactly the confirmed messages (%s)", frame).isEqualTo(confirmed);
        if (expected instanceof FrameRules.Confirmed confirmation && confirmation.body() != null && stored == 1) {
            assertThat(storedText(newMessages, answers.get(0).get("created_msg_id").asLong()))
                    .as("the stored text is the text sent").isEqualTo(confirmation.body());
        }
        assertThat(count("messages")).as("nothing else stored for %s", frame).isEqualTo(messagesBefore + stored + 1);
        assertAtMostOneLogLine(logMark, frame);
        historyTop = probe.messageId();
        afterTry();
    }

    /** The message id a frame names in {@code message_id}, when it names one as the rules read ids. */
    private static Optional<Long> namedMessage(Frame frame) {
        return frame.tree().filter(JsonTree.Obj.class::isInstance)
                .flatMap(tree -> ((JsonTree.Obj) tree).get("message_id")).flatMap(FrameRules::messageId)
                .filter(id -> id >= 1);
    }

    /**
     * An edit or deletion: one {@code message_edited} / {@code message_deleted} on the requesting connection (with
     * its {@code client_msg_id}) and one on bob's (without), and the message in the database as the frame says.
     */
    private static void assertChanged(FrameRules.Changed changed, List<JsonNode> answers, List<JsonNode> received,
                                      Object input) {
        assertThat(changed.other()).as("the generated messages are alice's and bob's").isEqualTo(bob.id());
        Predicate<JsonNode> change = frame -> changed.action().equals(frame.path("action").asText())
                && frame.path("message_id").asLong() == changed.messageId();
        JsonNode mine = awaitFrame(aliceSocket, answers, change, "alice's " + changed.action() + " for " + input);
        JsonNode theirs = awaitFrame(bobSocket, received, change, "bob's " + changed.action() + " for " + input);
        assertThat(answers).as("exactly one answer to %s", input).hasSize(1);
        assertThat(received).as("bob's frames for %s", input).hasSize(1);
        assertChangeFrame(mine, changed, changed.clientMsgId(), input);
        assertChangeFrame(theirs, changed, null, input);
        assertStoredChange(changed, input);
    }

    private static void assertChangeFrame(JsonNode frame, FrameRules.Changed changed, String clientMsgId,
                                          Object input) {
        String shown = changed.action() + " frame " + frame + " for " + input;
        Set<String> keys = new HashSet<>(changed.text() != null
                ? List.of("action", "message_id", "thread", "message", "edited_at")
                : List.of("action", "message_id", "thread", "timestamp"));
        if (clientMsgId != null) {
            keys.add("client_msg_id");
            assertThat(frame.path("client_msg_id").asText()).as(shown).isEqualTo(clientMsgId);
        }
        assertThat(Frames.keys(frame)).as(shown).isEqualTo(keys);
        assertThat(frame.get("thread").asLong()).as(shown).isEqualTo(changed.thread());
        if (changed.text() != null) {
            assertThat(frame.get("message").asText()).as(shown).isEqualTo(changed.text());
            assertThat(frame.get("edited_at").asText()).as(shown).matches(Frames.WS_TIMESTAMP);
        } else {
            String timestamp = frame.get("timestamp").asText();
            assertThat(timestamp).as(shown).matches(Frames.WS_TIMESTAMP);
            assertThat(timestamp).as(shown + ": the first deletion's time")
                    .isEqualTo(DELETED_AT.computeIfAbsent(changed.messageId(), id -> timestamp));
        }
    }

    /** The database holds the edit (the new text, edited) or the tombstone (no text, no file, deleted). */
    private static void assertStoredChange(FrameRules.Changed changed, Object input) {
        CHANGED.add(changed.messageId());
        List<Object> row = row(Optional.of(changed.messageId()));
        String shown = "message " + changed.messageId() + " after " + input + ": " + row;
        if (changed.text() != null) {
            assertThat(row.subList(0, 3)).as(shown).isEqualTo(List.of(changed.text(), "true", "false"));
        } else {
            assertThat(row.get(0)).as(shown).isEqualTo("null");
            assertThat(row.get(2)).as(shown).isEqualTo("true");
            assertThat(row.get(5)).as(shown).isEqualTo("null");
        }
    }

    /** A read marker: one {@code seen_message} for alice; one for bob when the marker moved; the marker stored. */
    private static void assertMarked(FrameRules.Marked marked, List<JsonNode> answers, List<JsonNode> received,
                                     Object input) {
        assertThat(marked.other()).as("the generated messages are alice's and bob's").isEqualTo(bob.id());
        Predicate<JsonNode> seen = frame -> "seen_message".equals(frame.path("action").asText());
        JsonNode mine = awaitFrame(aliceSocket, answers, seen, "alice's seen_message for " + input);
        assertThat(answers).as("exactly one answer to %s", input).hasSize(1);
        assertSeenFrame(mine, marked, marked.clientMsgId(), input);
        if (marked.moved()) {
            JsonNode theirs = awaitFrame(bobSocket, received, seen, "bob's seen_message for " + input);
            assertThat(received).as("bob's frames for %s", input).hasSize(1);
            assertSeenFrame(theirs, marked, null, input);
        } else {
            assertThat(received).as("bob gets nothing when the marker did not move (%s)", input).isEmpty();
        }
        assertThat(STORE.marker(marked.thread(), alice.id())).as("alice's marker after %s", input)
                .isEqualTo(marked.marker());
    }

    private static void assertSeenFrame(JsonNode frame, FrameRules.Marked marked, String clientMsgId, Object input) {
        String shown = "seen_message " + frame + " for " + input;
        Set<String> keys = new HashSet<>(List.of("action", "thread", "reader_id", "message_id", "timestamp"));
        if (clientMsgId != null) {
            keys.add("client_msg_id");
            assertThat(frame.path("client_msg_id").asText()).as(shown).isEqualTo(clientMsgId);
        }
        assertThat(Frames.keys(frame)).as(shown).isEqualTo(keys);
        assertThat(frame.get("thread").asLong()).as(shown).isEqualTo(marked.thread());
        assertThat(frame.get("reader_id").asText()).as(shown).isEqualTo(alice.id());
        assertThat(frame.get("message_id").asLong()).as(shown).isEqualTo(marked.marker());
        assertThat(frame.get("timestamp").asText()).as(shown).matches(Frames.WS_TIMESTAMP);
    }

    /**
     * An accepted typing notice: nothing answered; bob gets {@code typing} unless one passed within the last 2 s. The
     * test knows when the last one passed only within bounds (between its sending and bob seeing it), and when this
     * one was handled (between its sending and the probe's confirmation): it is dropped when it was surely handled
     * within 2 s of the last, forwarded when surely after; in between, either (then bob is given a moment to get it).
     */
    private static void assertTyped(long sentAt, List<JsonNode> answers, List<JsonNode> received, Object input) {
        long handledBy = System.nanoTime();
        long window = Duration.ofSeconds(2).toNanos();
        long margin = Duration.ofMillis(50).toNanos();
        assertThat(answers).as("nothing answers the accepted typing %s", input).isEmpty();
        Predicate<JsonNode> typing = frame -> "typing".equals(frame.path("action").asText());
        boolean first = typingPassedFrom == Long.MIN_VALUE;
        boolean dropped = !first && handledBy + margin < typingPassedFrom + window;
        boolean passes = first || sentAt > typingPassedBy + window + margin;
        Statistics.label("typing").collect(dropped ? "dropped" : passes ? "forwarded" : "either");
        if (passes) {
            awaitFrame(bobSocket, received, typing, "bob's typing notice for " + input);
        } else if (!dropped && received.stream().noneMatch(typing)) {
            JsonNode late = bobSocket.poll(Duration.ofMillis(300));
            if (late != null) {
                received.add(late);
            }
        }
        List<JsonNode> notices = received.stream().filter(typing).toList();
        assertThat(received).as("bob's frames for %s", input).isEqualTo(notices);
        if (dropped) {
            assertThat(notices).as("the throttle drops %s", input).isEmpty();
            return;
        }
        assertThat(notices).as("bob's typing notices for %s", input).hasSizeLessThanOrEqualTo(1);
        if (!notices.isEmpty()) {
            JsonNode notice = notices.get(0);
            assertThat(Frames.keys(notice)).as(notice.toString()).isEqualTo(Set.of("action", "sender_id", "timestamp"));
            assertThat(notice.get("sender_id").asText()).isEqualTo(alice.id());
            assertThat(notice.get("timestamp").asText()).matches(Frames.WS_TIMESTAMP);
            typingPassedFrom = sentAt;
            typingPassedBy = System.nanoTime();
        }
    }

    /** The frame of {@code frames} that matches, or the next of {@code socket} that does (those before it added). */
    private static JsonNode awaitFrame(ChatSocket socket, List<JsonNode> frames, Predicate<JsonNode> match,
                                       String what) {
        Optional<JsonNode> there = frames.stream().filter(match).findFirst();
        if (there.isPresent()) {
            return there.get();
        }
        JsonNode frame = next(socket, what, frames, match);
        frames.add(frame);
        return frame;
    }

    /**
     * Frames only a raw client can send: binary frames (a validation_error, the connection stays open), text frames
     * whose payload is not UTF-8 (a lone surrogate as raw bytes, an overlong or stray byte: RFC 6455 §8.1 closes the
     * connection with 1007), and valid text frames sent the same way (answered as any frame).
     */
    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE)
    void framesThatAreNotUtf8TextAreRefusedProperly(@ForAll("rawFrames") RawFrame frame) throws Exception {
        Optional<String> text = frame.opcode() == RawWebSocket.TEXT ? BodyRules.decode(frame.payload()) : Optional.empty();
        FrameRules.Answer expected = frame.opcode() != RawWebSocket.TEXT
                ? new FrameRules.Refused("validation_error", null, null)
                : text.isEmpty() ? new FrameRules.Closed(1007)
                : FrameRules.answer(text.get(), Frame.ofText(text.get()).tree(), frameWorld());
        Statistics.label("answer").collect(label(expected));
        Statistics.label("answer").coverage(checker -> {
            checker.check("close 1007").count(count -> count > 0);
            checker.check("error validation_error").count(count -> count > 0);
        });
        int logMark = log.mark();
        long messagesBefore = count("messages");
        long stored = 0;
        List<Long> confirmedHere = new ArrayList<>();
        try (RawWebSocket socket = RawWebSocket.connect(SERVER.port(), alice.access())) {
            socket.send(frame.opcode(), frame.payload());
            RawWebSocket.Received answer = socket.next();
            if (expected instanceof FrameRules.Closed closed) {
                assertThat(answer).as("answer to %s", frame).isEqualTo(new RawWebSocket.Close(closed.code()));
            } else {
                assertThat(answer).as("answer to %s", frame).isInstanceOf(RawWebSocket.Text.class);
                JsonNode frameAnswer = HttpApi.JSON.readTree(((RawWebSocket.Text) answer).text());
                if (expected instanceof FrameRules.Refused refused) {
                    assertErrorFrame(frameAnswer, refused, frame);
                } else {
                    FrameRules.Confirmed confirmed = (FrameRules.Confirmed) expected;
                    assertThat(frameAnswer.get("action").asText()).as("answer to %s", frame).isEqualTo("conf_message");
                    Optional<JsonNode> original = sentBefore(confirmed);
                    if (original.isPresent()) {
                        assertRepeatedConfirmation(frameAnswer, original.get(), frame);
                    } else {
                        confirmedHere.add(frameAnswer.get("created_msg_id").asLong());
                        stored += confirmed.stores() ? 1 : 0;
                        remember(confirmed, frameAnswer);
                    }
                }
                confirmedHere.add(assertUsable(socket));
                stored++;
            }
        }
        // Alice's other connection gets a copy of each conf_message (contract §8), bob one re_message each.
        Probe probe = probe();
        assertThat(ids(probe.answersBefore(), "conf_message")).as("alice's other device, %s", frame).isEqualTo(confirmedHere);
        assertThat(ids(probe.receivedBefore(), "re_message")).as("bob, %s", frame).isEqualTo(confirmedHere);
        assertThat(count("messages")).as("nothing else stored for %s", frame).isEqualTo(messagesBefore + stored + 1);
        historyTop = probe.messageId();
        assertAtMostOneLogLine(logMark, frame);
        afterTry();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // REST

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void registrationAnswersAsDocumented(@ForAll("registrations") JsonTree body) {
        BodyRules.Answer expected = oversized(body).orElseGet(() -> BodyRules.register(body, accounts()));
        long usersBefore = count("users");
        collect(expected, "201", "400 validation_error", "409 conflict");
        int logMark = log.mark();

        HttpApi.Reply reply = postJson("/auth/register/", body, null);

        assertAnswer(reply, expected, body);
        assertThat(count("users")).as("users grow only by a 201 (%s)", body)
                .isEqualTo(usersBefore + (reply.status() == 201 ? 1 : 0));
        if (reply.status() == 201) {
            JsonNode user = reply.data();
            String email = BodyRules.normalized(BodyRules.text((JsonTree.Obj) body, "email"));
            assertThat(user.get("email").asText().toLowerCase(Locale.ROOT)).isEqualTo(email);
            EMAILS.put(user.get("id").asText(), email);
            PASSWORDS.put(email, BodyRules.text((JsonTree.Obj) body, "password"));
        }
        assertAtMostOneLogLine(logMark, body);
        afterTry();
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void logInAnswersAsDocumented(@ForAll("credentials") JsonTree body) {
        BodyRules.Answer expected = BodyRules.logIn(body, accounts());
        collect(expected, "200", "401 unauthorized", "400 validation_error");
        int logMark = log.mark();

        HttpApi.Reply reply = postJson("/auth/token/", body, null);

        assertAnswer(reply, expected, body);
        if (reply.status() == 200) {
            assertThat(reply.data().get("access").asText()).isNotBlank();
        }
        assertAtMostOneLogLine(logMark, body);
        afterTry();
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void refreshAnswersAsDocumented(@ForAll("refreshes") JsonTree body) {
        BodyRules.Answer expected = BodyRules.refresh(body, accounts());
        collect(expected, "200", "401 unauthorized");
        int logMark = log.mark();

        HttpApi.Reply reply = postJson("/auth/token/refresh/", body, null);

        assertAnswer(reply, expected, body);
        assertAtMostOneLogLine(logMark, body);
        afterTry();
    }

    @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
    void adminUpsertAnswersAsDocumented(@ForAll("upsertIds") String id, @ForAll("upserts") JsonTree body) {
        BodyRules.Answer expected = oversized(body).orElseGet(() -> BodyRules.upsert(id, body, accounts()));
        long usersBefore = count("users");
        collect(expected, "200", "201", "400 validation_error");
        int logMark = log.mark();

        HttpRequest.Builder request = api.request("/admin/users/" + id + "/", null)
                .header("Content-Type", "application/json")
                .header("X-Api-Key", RunningParley.ADMIN_API_KEY)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.json().getBytes(StandardCharsets.UTF_8)));
        HttpApi.Reply reply = api.send(request);

        assertAnswer(reply, expected, id + " " + body);
        assertThat(count("users")).as("users grow only by a 201 (%s)", body)
                .isEqualTo(usersBefore + (reply.status() == 201 ? 1 : 0));
        if (reply.status() == 200 || reply.status() == 201) {
            EMAILS.put(id.toLowerCase(Locale.ROOT),
                    BodyRules.normalized(BodyRules.text((JsonTree.Obj) body, "email")));
        }
        assertAtMostOneLogLine(logMark, body);
        afterTry();
    }

    @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
    void uploadsAnswerAsDocumentedAndLeaveNoFileBehind(@ForAll("uploads") Upload upload) throws IOException {
        BodyRules.Answer expected = BodyRules.upload(upload.parts(),
                new BodyRules.Uploader(alice.id(), Set.of(bob.id())), MAX_UPLOAD_BYTES);
        long messagesBefore = count("messages");
        Set<Path> mediaBefore = files("media");
        collect(expected, "201", "400 validation_error", "404 not_found", "413 too_large");
        int logMark = log.mark();

        HttpApi.Reply reply = api.send(api.request("/chat/attachment/", alice.access())
                .header("Content-Type", "multipart/form-data; boundary=" + Upload.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload.body())));

        assertAnswer(reply, expected, upload);
        boolean accepted = reply.status() == 201;
        assertThat(count("messages")).as("a message only for a 201 (%s)", upload)
                .isEqualTo(messagesBefore + (accepted ? 1 : 0));
        Set<Path> mediaAfter = files("media");
        if (accepted) {
            assertThat(mediaAfter).as("one new file in media/").hasSize(mediaBefore.size() + 1).containsAll(mediaBefore);
        } else {
            assertThat(mediaAfter).as("no file left in media/ by %s", upload).isEqualTo(mediaBefore);
        }
        assertThat(files("upload-tmp")).as("no temporary file left by %s", upload).isEmpty();
        historyTop = Math.max(historyTop, maxMessageId());
        assertAtMostOneLogLine(logMark, upload);
        afterTry();
    }

    /**
     * {@code PATCH /chat/message/<id>/}: the documented status, the message after the edit, the same
     * {@code message_edited} frames as the websocket's action (without {@code client_msg_id}), nothing else changed.
     */
    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void editsOverRestAnswerAsDocumented(@ForAll("editIds") String id, @ForAll("edits") JsonTree body) {
        BodyRules.Answer expected = BodyRules.edit(id, body, frameWorld());
        collect(expected, "200", "400 validation_error", "404 not_found", "409 conflict");
        HttpRequest.Builder request = api.request("/chat/message/" + id + "/", alice.access())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body.json().getBytes(StandardCharsets.UTF_8)));
        changeOverRest(request, expected, id, id + " " + body, reply -> {
            String text = ((JsonTree.Str) ((JsonTree.Obj) body).get("message").orElseThrow()).value();
            FrameRules.Stored message = STORE.message(Long.parseLong(id)).orElseThrow();
            return new FrameRules.Changed("message_edited", message.id(), message.thread(), message.receiver(), text,
                    null);
        });
    }

    /** {@code DELETE /chat/message/<id>/}: as {@link #editsOverRestAnswerAsDocumented}, with the tombstone. */
    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE)
    void deletionsOverRestAnswerAsDocumented(@ForAll("deleteIds") String id) {
        BodyRules.Answer expected = BodyRules.delete(id, frameWorld());
        collect(expected, "200", "404 not_found");
        changeOverRest(api.request("/chat/message/" + id + "/", alice.access()).DELETE(), expected, id, id, reply -> {
            FrameRules.Stored message = STORE.message(Long.parseLong(id)).orElseThrow();
            return new FrameRules.Changed("message_deleted", message.id(), message.thread(), message.receiver(), null,
                    null);
        });
    }

    /**
     * Sends an edit or deletion and checks its answer: for a 200, {@code data} is the message as changed, alice's and
     * bob's connections get the change's frame once; otherwise they get nothing and the message is as it was.
     */
    private static void changeOverRest(HttpRequest.Builder request, BodyRules.Answer expected, String id,
                                       Object input, java.util.function.Function<HttpApi.Reply, FrameRules.Changed> change) {
        Optional<Long> named = BodyRules.pathId(id);
        List<Object> rowBefore = row(named);
        long messagesBefore = count("messages");
        int logMark = log.mark();

        HttpApi.Reply reply = api.send(request);

        assertAnswer(reply, expected, input);
        Probe probe = probe();
        List<JsonNode> answers = new ArrayList<>(probe.answersBefore());
        List<JsonNode> received = new ArrayList<>(probe.receivedBefore());
        if (reply.status() == 200) {
            FrameRules.Changed changed = change.apply(reply);
            JsonNode message = reply.data();
            String shown = "answer " + abbreviated(reply.raw()) + " to " + input;
            assertThat(message.get("id").asLong()).as(shown).isEqualTo(changed.messageId());
            assertThat(message.get("thread").asLong()).as(shown).isEqualTo(changed.thread());
            if (changed.text() != null) {
                assertThat(message.get("message").asText()).as(shown).isEqualTo(changed.text());
                assertThat(message.get("edited").asBoolean()).as(shown).isTrue();
                assertThat(message.get("deleted").asBoolean()).as(shown).isFalse();
            } else {
                assertThat(message.get("deleted").asBoolean()).as(shown).isTrue();
                for (String field : List.of("message", "attached_file", "attached_file_name", "attached_profile")) {
                    assertThat(message.get(field).isNull()).as(shown + ": " + field + " null").isTrue();
                }
                assertThat(message.get("attached_file_size").asText()).as(shown).isEqualTo("0kb");
                assertThat(message.get("attached_file_bytes").asLong()).as(shown).isZero();
            }
            assertChanged(changed, answers, received, input);
        } else {
            assertThat(answers).as("alice's connection got nothing from %s", input).isEmpty();
            assertThat(received).as("bob got nothing from %s", input).isEmpty();
            assertThat(row(named)).as("message %s unchanged by %s", named, input).isEqualTo(rowBefore);
        }
        assertThat(count("messages")).as("nothing stored for %s", input).isEqualTo(messagesBefore + 1);
        historyTop = probe.messageId();
        assertAtMostOneLogLine(logMark, input);
        afterTry();
    }

    /**
     * {@code POST /chat/thread/<thread_id>/seen/}: the documented status, {@code data} = the thread and alice's
     * marker after it, the same {@code seen_message} frames as the websocket's {@code seen} (without
     * {@code client_msg_id}); a refusal moves no marker and tells no one.
     */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void readMarkersOverRestAnswerAsDocumented(@ForAll("threadIds") String thread, @ForAll("marks") JsonTree body) {
        FrameRules.World world = frameWorld();
        BodyRules.Answer expected = BodyRules.seen(thread, body, world);
        collect(expected, "200", "400 validation_error", "404 not_found");
        long markerBefore = STORE.marker(aliceAndBob, alice.id());
        int logMark = log.mark();
        String input = thread + " " + body;

        HttpApi.Reply reply = postJson("/chat/thread/" + thread + "/seen/", body, alice.access());

        assertAnswer(reply, expected, input);
        Probe probe = probe();
        List<JsonNode> answers = new ArrayList<>(probe.answersBefore());
        List<JsonNode> received = new ArrayList<>(probe.receivedBefore());
        if (reply.status() == 200) {
            long messageId = ((JsonTree.Obj) body).get("message_id").flatMap(FrameRules::messageId).orElseThrow();
            FrameRules.Marked marked = new FrameRules.Marked(aliceAndBob, Math.max(markerBefore, messageId),
                    messageId > markerBefore, bob.id(), null);
            assertThat(reply.data().get("thread").asLong()).as(reply.raw()).isEqualTo(marked.thread());
            assertThat(reply.data().get("message_id").asLong()).as(reply.raw()).isEqualTo(marked.marker());
            assertMarked(marked, answers, received, input);
        } else {
            assertThat(answers).as("alice's connection got nothing from %s", input).isEmpty();
            assertThat(received).as("bob got nothing from %s", input).isEmpty();
            assertThat(STORE.marker(aliceAndBob, alice.id())).as("marker unchanged by %s", input).isEqualTo(markerBefore);
        }
        historyTop = probe.messageId();
        assertAtMostOneLogLine(logMark, input);
        afterTry();
    }

    /**
     * {@code GET /chat/presence/?ids=}: 400 {@code errors.ids} as documented, else exactly the asked ids that share a
     * thread with alice (bob, online), none other.
     */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void presenceAnswersAsDocumented(@ForAll("presenceQueries") List<String> parameters) {
        BodyRules.Answer expected = BodyRules.presence(parameters);
        collect(expected, "200", "400 validation_error");
        int logMark = log.mark();
        StringBuilder query = new StringBuilder();
        for (String parameter : parameters) {
            query.append(query.length() == 0 ? "?" : "&").append("ids=").append(queryEncoded(parameter));
        }

        HttpApi.Reply reply = api.get("/chat/presence/" + query, alice.access());

        if (BodyRules.presenceDisputed(parameters) && reply.status() == 200) {
            Statistics.label("disputed").collect("200 where docs/api.md says 400");
        } else {
            assertAnswer(reply, expected, parameters);
        }
        if (reply.status() == 200) {
            Set<String> asked = new HashSet<>();
            parameters.forEach(parameter -> Arrays.stream(parameter.split(","))
                    .forEach(id -> asked.add(id.strip().toLowerCase(Locale.ROOT))));
            Set<String> partners = asked.contains(bob.id()) ? Set.of(bob.id()) : Set.of();
            assertThat(Frames.keys(reply.data())).as("presence of %s: %s", parameters, reply.raw()).isEqualTo(partners);
            if (!partners.isEmpty()) {
                assertThat(reply.data().get(bob.id()).get("online").asBoolean()).as(reply.raw()).isTrue();
                assertThat(reply.data().get(bob.id()).get("last_seen").isNull()).as(reply.raw()).isTrue();
            }
        }
        assertAtMostOneLogLine(logMark, parameters);
        afterTry();
    }

    /** A query value percent-encoded as UTF-8, except a lone surrogate, written as its raw (not UTF-8) bytes. */
    private static String queryEncoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : BodyRules.wtf8(value)) {
            int unsigned = b & 0xFF;
            if (Character.isLetterOrDigit(unsigned) && unsigned < 0x80 || unsigned == '-') {
                out.append((char) unsigned);
            } else {
                out.append('%').append(String.format("%02X", unsigned));
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators: REST changes, read markers, presence

    /** Path ids: alice's messages of every kind and state, bob's, carol's, none, and malformed ones. */
    @Provide
    Arbitrary<String> editIds() {
        List<Long> targets = new ArrayList<>(keptTexts);
        targets.addAll(doomed);
        targets.addAll(List.of(alicesDeleted, alicesFile, alicesProfile, bobsFile, foreignMessage, UNKNOWN_ID));
        return pathIds(targets);
    }

    @Provide
    Arbitrary<String> deleteIds() {
        List<Long> targets = new ArrayList<>(doomed);
        targets.addAll(List.of(alicesDeleted, bobsFile, foreignMessage, UNKNOWN_ID));
        return pathIds(targets);
    }

    private static Arbitrary<String> pathIds(List<Long> targets) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(targets).map(String::valueOf)),
                Tuple.of(2, Arbitraries.create(() -> String.valueOf(historyTop))),
                Tuple.of(2, Arbitraries.of("0", "-1", "abc", "1.0", "1e3", "99999999999999999999", UNKNOWN_ID + "x",
                        "%F0%9F%98%80", "%00", "%ED%A0%BD")));
    }

    /** {@code {"message":…}}: new text, troublesome, around the limit, blank, missing or of another type. */
    @Provide
    Arbitrary<JsonTree> edits() {
        Arbitrary<Optional<JsonTree>> text = field(Arbitraries.frequencyOf(
                Tuple.of(6, NastyInput.nonEmptyStrings().map(EntrancePropertiesTest::acceptableText)),
                Tuple.of(1, Arbitraries.of("", " ", "\n\t")),
                Tuple.of(1, NastyInput.around(FrameRules.MAX_TEXT_CODE_POINTS))).map(JsonTree::string));
        Arbitrary<Map<String, JsonTree>> extras = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Map.<String, JsonTree>of())),
                Tuple.of(1, NastyInput.extraMembers(2, List.of("message"))));
        Arbitrary<JsonTree> form = Combinators.combine(text, extras).as((message, more) -> {
            LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
            fields.put("message", message.orElse(null));
            return NastyInput.object(fields, more);
        });
        return Arbitraries.frequencyOf(Tuple.of(10, form), Tuple.of(1, NastyInput.trees(2)));
    }

    /** Thread ids: alice and bob's, carol and dave's, none, malformed. */
    @Provide
    Arbitrary<String> threadIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(String.valueOf(aliceAndBob))),
                Tuple.of(2, Arbitraries.of(String.valueOf(foreignThread), String.valueOf(UNKNOWN_ID))),
                Tuple.of(1, Arbitraries.of("0", "-1", "abc", aliceAndBob + ".0", "%00")));
    }

    /** {@code {"message_id":…}}, as the websocket's {@code seen} carries it. */
    @Provide
    Arbitrary<JsonTree> marks() {
        Arbitrary<Map<String, JsonTree>> extras = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Map.<String, JsonTree>of())),
                Tuple.of(1, NastyInput.extraMembers(2, List.of("message_id"))));
        Arbitrary<JsonTree> form = Combinators.combine(field(messageIds("seen")), extras).as((id, more) -> {
            LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
            fields.put("message_id", id.orElse(null));
            return NastyInput.object(fields, more);
        });
        return Arbitraries.frequencyOf(Tuple.of(10, form), Tuple.of(1, NastyInput.trees(2)));
    }

    /**
     * The {@code ids} parameters of a presence query (none, one, or repeated): bob (who shares a thread with alice),
     * people who do not, unknown and malformed ids, empty items, and lists around the limit of 100.
     */
    @Provide
    Arbitrary<List<String>> presenceQueries() {
        Arbitrary<String> unknown = Arbitraries.longs().tuple2().map(bits -> new UUID(bits.get1(), bits.get2()).toString());
        Arbitrary<String> item = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(bob.id(), bob.id().toUpperCase(Locale.ROOT), carol.id(), dave.id(),
                        alice.id(), inactive)),
                Tuple.of(2, unknown),
                Tuple.of(1, Arbitraries.of("", " ", "not-a-uuid", bob.id().replace("-", ""), "{" + bob.id() + "}",
                        bob.id().substring(1), bob.id() + "0", " " + bob.id(), bob.id() + "\t")),
                Tuple.of(1, NastyInput.strings()));
        Arbitrary<String> parameter = item.list().ofMinSize(1).ofMaxSize(4).map(items -> String.join(",", items));
        Arbitrary<String> many = Combinators.combine(Arbitraries.integers().between(BodyRules.MAX_PRESENCE_IDS - 1,
                BodyRules.MAX_PRESENCE_IDS + 1), unknown).as((count, filler) -> {
                    List<String> ids = new ArrayList<>(java.util.Collections.nCopies(count - 1, filler));
                    ids.add(bob.id());
                    return String.join(",", ids);
                });
        return Arbitraries.frequencyOf(
                Tuple.of(8, parameter.list().ofMinSize(1).ofMaxSize(2)),
                Tuple.of(1, Arbitraries.of(List.of(), List.of(""), List.of(bob.id(), ""), List.of(" ", bob.id()))),
                Tuple.of(1, many.map(List::of)));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators: websocket

    /** A text frame as sent, the JSON value it parses to (empty: it is not exactly one JSON value), and how to show it. */
    record Frame(String text, Optional<JsonTree> tree, String shown) {
        static Frame of(JsonTree tree) {
            return new Frame(tree.json(), Optional.of(tree), tree.toString());
        }

        /** A frame of any text: parsed the way the server parses frames. */
        static Frame ofText(String text) {
            Optional<JsonTree> tree;
            try {
                JsonNode node = FRAME_PARSER.readTree(text);
                tree = node == null || node.isMissingNode() ? Optional.empty() : Optional.of(JsonTree.of(node));
            } catch (JsonProcessingException notOneValue) {
                tree = Optional.empty();
            }
            StringBuilder shown = new StringBuilder();
            JsonTree.writeString(text, shown, true, 160);
            return new Frame(text, tree, "text " + shown);
        }

        @Override
        public String toString() {
            return shown + " (" + text.getBytes(StandardCharsets.UTF_8).length + " bytes)";
        }
    }

    @Provide
    Arbitrary<Frame> frames() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, NastyInput.trees(3).map(Frame::of)),
                Tuple.of(9, actionFrames().map(Frame::of)),
                Tuple.of(1, textAroundAFrame()),
                Tuple.of(1, framesAroundTheSizeLimit()),
                Tuple.of(1, framesAroundTheNestingLimit()));
    }

    private static final Set<String> ACTIONS = Set.of("text_message", "file_message", "user_profile_message",
            "edit_message", "delete_message", "seen", "typing");

    /**
     * The seven actions (and others), each field present or not, valid, troublesome text or of another type; the
     * message ids of {@code edit_message}, {@code delete_message} and {@code seen} name alice's messages (kept, to be
     * deleted, deleted, of each kind, the newest), bob's, one of carol and dave's, or none.
     */
    private Arbitrary<JsonTree> actionFrames() {
        Arbitrary<JsonTree> action = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.of("text_message", "file_message", "user_profile_message").map(JsonTree::string)),
                Tuple.of(7, Arbitraries.of("edit_message", "delete_message", "seen", "typing").map(JsonTree::string)),
                Tuple.of(2, Arbitraries.of("TEXT_MESSAGE", "text_message ", "text\u0000_message", "\ud83dtext_message",
                        "SEEN", "edit", "delete_message\u0000", "typing ", "").map(JsonTree::string)),
                Tuple.of(1, NastyInput.strings().map(JsonTree::string)),
                Tuple.of(1, NastyInput.notStrings()));
        Arbitrary<Tuple.Tuple2<JsonTree, Optional<JsonTree>>> actionAndMessage = action.flatMap(act ->
                field(messageIds(act instanceof JsonTree.Str str ? str.value() : "")).map(id -> Tuple.of(act, id)));
        Arbitrary<Optional<JsonTree>> body = field(Arbitraries.frequencyOf(
                Tuple.of(6, NastyInput.nonEmptyStrings().map(EntrancePropertiesTest::acceptableText)),
                Tuple.of(1, NastyInput.around(FrameRules.MAX_TEXT_CODE_POINTS))).map(JsonTree::string));
        Arbitrary<Optional<JsonTree>> receiver = field(userIds(8, bob.id()));
        Arbitrary<Optional<JsonTree>> chatId = field(Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new JsonTree.Num(String.valueOf(alicesFile)))),
                Tuple.of(3, Arbitraries.of(JsonTree.string(String.valueOf(alicesFile)),
                        JsonTree.string(" " + alicesFile + " "), JsonTree.string("+" + alicesFile),
                        new JsonTree.Num(alicesFile + ".0"), new JsonTree.Num(alicesFile + "e0"),
                        new JsonTree.Num(String.valueOf(bobsFile)), new JsonTree.Num(String.valueOf(alicesText)),
                        new JsonTree.Num("0"), new JsonTree.Num("-" + alicesFile), JsonTree.string(""))),
                Tuple.of(1, NastyInput.numbers())));
        Arbitrary<Optional<JsonTree>> profile = field(userIds(4, bob.id(), carol.id(), inactive, alice.id()));
        Arbitrary<Optional<JsonTree>> clientMsgId = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Optional.<JsonTree>empty())),
                Tuple.of(4, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)
                        .map(id -> Optional.<JsonTree>of(JsonTree.string(id)))),
                Tuple.of(1, NastyInput.around(FrameRules.MAX_CLIENT_MSG_ID).map(id -> Optional.<JsonTree>of(JsonTree.string(id)))),
                Tuple.of(1, NastyInput.strings().map(id -> Optional.<JsonTree>of(JsonTree.string(id)))),
                Tuple.of(1, NastyInput.notStrings().map(Optional::of)));
        Arbitrary<Map<String, JsonTree>> extras = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Map.<String, JsonTree>of())),
                Tuple.of(1, NastyInput.extraMembers(3, List.of("action", "message_body", "receiver_id", "chat_id",
                        "attached_profile_id", "client_msg_id", "message_id"))));
        return Combinators.combine(actionAndMessage, body, receiver, chatId, profile, clientMsgId, extras)
                .as((actAndMessage, text, to, chat, shared, id, more) -> {
                    JsonTree act = actAndMessage.get1();
                    String name = act instanceof JsonTree.Str str ? str.value() : "";
                    boolean other = !ACTIONS.contains(name);
                    LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
                    fields.put("action", act);
                    if (other || name.equals("text_message") || name.equals("edit_message")) {
                        fields.put("message_body", text.orElse(null));
                    }
                    if (other || name.equals("text_message") || name.equals("user_profile_message")
                            || name.equals("typing")) {
                        fields.put("receiver_id", to.orElse(null));
                    }
                    if (other || name.equals("file_message")) {
                        fields.put("chat_id", chat.orElse(null));
                    }
                    if (other || name.equals("user_profile_message")) {
                        fields.put("attached_profile_id", shared.orElse(null));
                    }
                    if (other || name.equals("edit_message") || name.equals("delete_message") || name.equals("seen")) {
                        fields.put("message_id", actAndMessage.get2().orElse(null));
                    }
                    fields.put("client_msg_id", id.orElse(null));
                    return (JsonTree) NastyInput.object(fields, more);
                })
                .filter(frame -> !deletesTheAnnouncedFile(frame));
    }

    /**
     * Whether a frame would delete alice's file message that {@code file_message} frames announce (then no later
     * frame could be confirmed as a file): the generators leave such frames out.
     */
    private static boolean deletesTheAnnouncedFile(JsonTree frame) {
        JsonTree.Obj object = (JsonTree.Obj) frame;
        return object.get("action").filter(JsonTree.string("delete_message")::equals).isPresent()
                && object.get("message_id").flatMap(FrameRules::messageId).filter(id -> id == alicesFile).isPresent();
    }

    /** Message ids for {@code action}'s {@code message_id}: in the forms the documents accept, and others. */
    private static Arbitrary<JsonTree> messageIds(String action) {
        List<Long> targets = new ArrayList<>(List.of(alicesDeleted, bobsFile, foreignMessage, UNKNOWN_ID));
        if (!action.equals("delete_message")) {
            targets.addAll(keptTexts);
            targets.addAll(List.of(alicesFile, alicesProfile));
        }
        if (!action.equals("seen")) {
            targets.addAll(doomed);
        }
        Arbitrary<Long> ids = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(targets)),
                Tuple.of(2, Arbitraries.create(() -> historyTop)));
        Arbitrary<JsonTree> forms = ids.flatMap(id -> Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new JsonTree.Num(String.valueOf(id)))),
                Tuple.of(3, Arbitraries.of(JsonTree.string(String.valueOf(id)), JsonTree.string(" " + id + "\t"),
                        JsonTree.string("+" + id), new JsonTree.Num(id + ".0"), new JsonTree.Num(id + "e0"),
                        new JsonTree.Num(id + ".5"), new JsonTree.Num("-" + id), JsonTree.string(id + "x"),
                        JsonTree.string("0" + id)))));
        return Arbitraries.frequencyOf(
                Tuple.of(9, forms),
                Tuple.of(1, Arbitraries.of(new JsonTree.Num("0"), JsonTree.string(""), new JsonTree.Num("-1"),
                        new JsonTree.Num("9223372036854775807"), new JsonTree.Num("9223372036854775808"))),
                Tuple.of(1, NastyInput.numbers()));
    }

    /** A field: usually a valid value, else missing, troublesome text or a value of another type. */
    private static Arbitrary<Optional<JsonTree>> field(Arbitrary<JsonTree> valid) {
        return Arbitraries.<Optional<JsonTree>>frequencyOf(
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(16, valid.map(Optional::of)),
                Tuple.of(2, NastyInput.strings().map(text -> Optional.<JsonTree>of(JsonTree.string(text)))),
                Tuple.of(1, NastyInput.notStrings().map(Optional::of)))
                .withoutEdgeCases();
    }

    /** User ids: {@code usual} mostly, else anyone else, nobody, or an id in another form. */
    private static Arbitrary<JsonTree> userIds(int weight, String... usual) {
        Arbitrary<String> unknown = Arbitraries.longs().tuple2().map(bits -> new UUID(bits.get1(), bits.get2()).toString());
        String first = usual[0];
        return Arbitraries.frequencyOf(
                Tuple.of(weight, Arbitraries.of(usual)),
                Tuple.of(2, Arbitraries.of(alice.id(), inactive, first.toUpperCase(Locale.ROOT), " " + first,
                        first.replace("-", ""), "{" + first + "}", first.substring(1), "00000000-0000-0000-0000-000000000000")),
                Tuple.of(1, unknown)).map(JsonTree::string);
    }

    /** One object, then text after it, or cut short, or wrapped: only what is exactly one object is read. */
    private Arbitrary<Frame> textAroundAFrame() {
        Arbitrary<String> frame = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)
                .map(text -> JsonTree.object("action", JsonTree.string("text_message"), "message_body",
                        JsonTree.string(text), "receiver_id", JsonTree.string(bob.id())).json());
        Arbitrary<String> after = Arbitraries.of(" ", "\n\t ", " xyz", ",", "}", " {}", " null", "\u0000", "//", "x");
        return Arbitraries.oneOf(
                Combinators.combine(frame, after).as((json, tail) -> json + tail),
                frame.map(json -> json + " " + json),
                Combinators.combine(frame, Arbitraries.doubles().between(0, 1))
                        .as((json, where) -> json.substring(0, (int) (where * (json.length() - 1)))),
                Combinators.combine(Arbitraries.of("", " ", "\ufeff", "[", "\"", "x"), frame).as((before, json) -> before + json),
                frame.map(json -> json.replaceFirst(":", "=")),
                Arbitraries.of("", " ", "null", "[]", "{}", "\"text_message\"", "42", "{\"action\":", "]["))
                .map(Frame::ofText);
    }

    /** Text messages whose frame is around the 64 KiB limit (one byte below, at, above) or well beyond it. */
    private Arbitrary<Frame> framesAroundTheSizeLimit() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(FrameRules.MAX_FRAME_BYTES - 1, FrameRules.MAX_FRAME_BYTES + 1)),
                Tuple.of(1, Arbitraries.integers().between(FrameRules.MAX_FRAME_BYTES, 4 * FrameRules.MAX_FRAME_BYTES)));
        Arbitrary<String> fill = Arbitraries.of("a", "\u00e9", "\u20ac", "\ud83d\ude00");
        return Combinators.combine(sizes, fill).as((size, character) -> {
            JsonTree empty = JsonTree.object("action", JsonTree.string("text_message"), "receiver_id",
                    JsonTree.string(bob.id()), "message_body", JsonTree.string(""));
            int room = size - empty.json().getBytes(StandardCharsets.UTF_8).length;
            int each = character.getBytes(StandardCharsets.UTF_8).length;
            String body = character.repeat(room / each) + "a".repeat(room % each);
            return Frame.of(JsonTree.object("action", JsonTree.string("text_message"), "receiver_id",
                    JsonTree.string(bob.id()), "message_body", JsonTree.string(body)));
        });
    }

    /** A valid text message with an extra member nested around the parser's depth limit, or a number too long. */
    private Arbitrary<Frame> framesAroundTheNestingLimit() {
        int limit = com.fasterxml.jackson.core.StreamReadConstraints.defaults().getMaxNestingDepth();
        Arbitrary<JsonTree> deep = Arbitraries.of(10, limit - 2, limit - 1, limit, 2 * limit).map(depth -> {
            JsonTree nested = new JsonTree.Num("1");
            for (int i = 0; i < depth - 1; i++) {
                nested = new JsonTree.Arr(List.of(nested));
            }
            return nested;
        });
        return deep.map(nested -> Frame.of(JsonTree.object("action", JsonTree.string("text_message"), "message_body",
                JsonTree.string("deep"), "receiver_id", JsonTree.string(bob.id()), "extra", nested)));
    }

    /** The opcode (1 text, 2 binary) and payload of one raw frame. */
    record RawFrame(int opcode, byte[] payload, String shown) {
        @Override
        public String toString() {
            return (opcode == 0x2 ? "binary " : "text ") + shown;
        }
    }

    @Provide
    Arbitrary<RawFrame> rawFrames() {
        Arbitrary<String> words = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8);
        Arbitrary<byte[]> broken = Arbitraries.of(
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD}, new byte[] {(byte) 0xED, (byte) 0xB8, (byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82});
        Arbitrary<RawFrame> notUtf8 = Combinators.combine(words, broken, words).as((before, bytes, after) -> {
            byte[] head = ("{\"action\":\"text_message\",\"receiver_id\":\"" + bob.id() + "\",\"message_body\":\""
                    + before).getBytes(StandardCharsets.UTF_8);
            byte[] tail = (after + "\"}").getBytes(StandardCharsets.UTF_8);
            return new RawFrame(0x1, concat(head, bytes, tail), "message_body " + before + hex(bytes) + after);
        });
        Arbitrary<RawFrame> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                .map(bytes -> new RawFrame(0x2, bytes, hex(bytes)));
        Arbitrary<RawFrame> text = NastyInput.strings().map(word -> {
            String json = JsonTree.object("action", JsonTree.string("text_message"), "receiver_id",
                    JsonTree.string(bob.id()), "message_body", JsonTree.string(word)).json();
            return new RawFrame(0x1, json.getBytes(StandardCharsets.UTF_8), JsonTree.string(word).toString());
        });
        return Arbitraries.frequencyOf(Tuple.of(4, notUtf8), Tuple.of(2, binary), Tuple.of(1, text));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators: REST

    @Provide
    Arbitrary<JsonTree> registrations() {
        Arbitrary<JsonTree> form = Combinators.combine(
                required(emails()), required(passwords()), required(names()), optional(shortTexts()),
                optional(shortTexts()), optional(shortTexts()), optional(dates()),
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Map.<String, JsonTree>of())),
                        Tuple.of(1, NastyInput.extraMembers(2, List.of("email", "password", "fullname",
                                "phone_number", "country_code", "gender", "date_of_birth")))))
                .as((email, password, fullname, phone, country, gender, born, extras) -> {
                    LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
                    fields.put("email", email.orElse(null));
                    fields.put("password", password.orElse(null));
                    fields.put("fullname", fullname.orElse(null));
                    fields.put("phone_number", phone.orElse(null));
                    fields.put("country_code", country.orElse(null));
                    fields.put("gender", gender.orElse(null));
                    fields.put("date_of_birth", born.orElse(null));
                    return NastyInput.object(fields, extras);
                });
        return Arbitraries.frequencyOf(
                Tuple.of(12, form),
                Tuple.of(1, NastyInput.trees(2)),
                Tuple.of(1, hugeBodies("fullname")));
    }

    @Provide
    Arbitrary<JsonTree> credentials() {
        Arbitrary<JsonTree> email = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(alice.email(), bob.email()).map(JsonTree::string)),
                Tuple.of(2, Arbitraries.of(alice.email().toUpperCase(Locale.ROOT), " " + alice.email() + " ",
                        alice.email() + "x", "\u0130" + alice.email(), "").map(JsonTree::string)),
                Tuple.of(1, emails()));
        Arbitrary<JsonTree> password = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(alice.password(), bob.password()).map(JsonTree::string)),
                Tuple.of(2, Arbitraries.of(alice.password() + " ", alice.password().toUpperCase(Locale.ROOT), "",
                        alice.password().substring(1)).map(JsonTree::string)),
                Tuple.of(1, passwords()));
        Arbitrary<JsonTree> form = Combinators.combine(required(email), required(password))
                .as((address, secret) -> {
                    LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
                    fields.put("email", address.orElse(null));
                    fields.put("password", secret.orElse(null));
                    return NastyInput.object(fields, Map.of());
                });
        return Arbitraries.frequencyOf(Tuple.of(10, form), Tuple.of(1, NastyInput.trees(2)));
    }

    @Provide
    Arbitrary<JsonTree> refreshes() {
        String token = alice.refresh();
        int middle = token.lastIndexOf('.') + 10;
        String tampered = token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A') + token.substring(middle + 1);
        Arbitrary<JsonTree> refresh = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(JsonTree.string(token))),
                Tuple.of(3, Arbitraries.of(alice.access(), tampered, token.substring(0, token.length() - 5), " " + token,
                        token + "\u0000", token.replace('.', '\u2024'), "", "null").map(JsonTree::string)),
                Tuple.of(1, NastyInput.strings().map(JsonTree::string)));
        Arbitrary<JsonTree> form = required(refresh).map(value -> {
            LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
            fields.put("refresh", value.orElse(null));
            return NastyInput.object(fields, Map.of());
        });
        return Arbitraries.frequencyOf(Tuple.of(10, form), Tuple.of(1, NastyInput.trees(2)));
    }

    @Provide
    Arbitrary<String> upsertIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().tuple2().map(bits -> new UUID(bits.get1(), bits.get2()).toString())),
                Tuple.of(3, Arbitraries.of(upsertTarget, upsertTarget.toUpperCase(Locale.ROOT))),
                Tuple.of(1, Arbitraries.of("not-a-uuid", "1", upsertTarget.replace("-", ""), "%F0%9F%98%80",
                        "%ED%A0%BD", "%00", upsertTarget + "x")));
    }

    @Provide
    Arbitrary<JsonTree> upserts() {
        Arbitrary<JsonTree> active = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(true, false).map(JsonTree.Bool::new)),
                Tuple.of(1, Arbitraries.of("true", "false", "True", " yes", "").map(JsonTree::string)),
                Tuple.of(1, Arbitraries.of("0", "1", "2", "1.0").map(JsonTree.Num::new)),
                Tuple.of(1, NastyInput.notStrings()));
        Arbitrary<JsonTree> form = Combinators.combine(
                required(Arbitraries.frequencyOf(Tuple.of(3, freshEmails()), Tuple.of(1, emails()))),
                required(names()), optional(shortTexts()), optional(shortTexts()),
                optional(shortTexts()), optional(dates()), optional(active),
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Map.<String, JsonTree>of())),
                        // The import fields (contract §17: a Django password hash, the photo, the flags, the
                        // account type) have their own tests (DjangoUserImportEndToEndTest, AdminEndpointsTest).
                        Tuple.of(1, NastyInput.extraMembers(2, List.of("email", "fullname", "phone_number",
                                "country_code", "gender", "date_of_birth", "is_active", "password", "profile_photo",
                                "is_email_verified", "is_phone_verified", "account_type")))))
                .as((email, fullname, phone, country, gender, born, isActive, extras) -> {
                    LinkedHashMap<String, JsonTree> fields = new LinkedHashMap<>();
                    fields.put("email", email.orElse(null));
                    fields.put("fullname", fullname.orElse(null));
                    fields.put("phone_number", phone.orElse(null));
                    fields.put("country_code", country.orElse(null));
                    fields.put("gender", gender.orElse(null));
                    fields.put("date_of_birth", born.orElse(null));
                    fields.put("is_active", isActive.orElse(null));
                    return NastyInput.object(fields, extras);
                });
        return Arbitraries.frequencyOf(Tuple.of(12, form), Tuple.of(1, NastyInput.trees(2)),
                Tuple.of(1, hugeBodies("fullname")));
    }

    /** A required text field: usually valid, else missing, troublesome text or of another JSON type. */
    private static Arbitrary<Optional<JsonTree>> required(Arbitrary<JsonTree> valid) {
        return field(valid);
    }

    /** An optional text field: often missing. */
    private static Arbitrary<Optional<JsonTree>> optional(Arbitrary<JsonTree> valid) {
        return Arbitraries.<Optional<JsonTree>>frequencyOf(
                Tuple.of(5, Arbitraries.just(Optional.empty())),
                Tuple.of(5, valid.map(Optional::of)),
                Tuple.of(1, NastyInput.strings().map(text -> Optional.<JsonTree>of(JsonTree.string(text)))),
                Tuple.of(1, NastyInput.notStrings().map(Optional::of)))
                .withoutEdgeCases();
    }

    /**
     * E-mail addresses: new ones, taken ones (in another case), lengths around 254, and addresses of U+0130 (whose
     * lower case is two characters), whose normalized form is longer than the address.
     */
    private static Arbitrary<JsonTree> freshEmails() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(14)
                .map(local -> JsonTree.string(local + "@example.com"));
    }

    private static Arbitrary<JsonTree> emails() {
        Arbitrary<String> fresh = Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(14)
                .map(local -> local + "@example.com");
        Arbitrary<String> aroundTheLimit = Combinators.combine(
                Arbitraries.integers().between(BodyRules.MAX_EMAIL - 13, BodyRules.MAX_EMAIL - 11),
                Arbitraries.of("a", "\u0130", "\u0130", "\u00e9", "\ud83d\ude00"))
                .as((length, character) -> {
                    StringBuilder local = new StringBuilder();
                    while (local.length() + character.length() <= length) {
                        local.append(character);
                    }
                    return local + "@example.com";
                });
        return Arbitraries.frequencyOf(
                Tuple.of(8, fresh),
                Tuple.of(8, Arbitraries.of(alice.email(), alice.email().toUpperCase(Locale.ROOT), " " + bob.email())),
                Tuple.of(2, aroundTheLimit),
                Tuple.of(1, Combinators.combine(NastyInput.nonEmptyStrings(), fresh).as((nasty, address) -> nasty + address)),
                Tuple.of(1, NastyInput.strings()))
                .map(JsonTree::string);
    }

    private static Arbitrary<JsonTree> passwords() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().alpha().ofMinLength(8).ofMaxLength(20)),
                Tuple.of(1, NastyInput.around(BodyRules.MIN_PASSWORD, BodyRules.MAX_PASSWORD)),
                Tuple.of(1, NastyInput.strings()))
                .map(JsonTree::string);
    }

    private static Arbitrary<JsonTree> names() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)),
                Tuple.of(4, NastyInput.nonEmptyStrings().map(text -> acceptableText(text))),
                Tuple.of(1, NastyInput.around(BodyRules.MAX_NAME)))
                .map(JsonTree::string);
    }

    private static Arbitrary<JsonTree> shortTexts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().alpha().numeric().ofMaxLength(12)),
                Tuple.of(1, NastyInput.around(BodyRules.MAX_SHORT)))
                .map(JsonTree::string);
    }

    private static Arbitrary<JsonTree> dates() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(-40_000, 20_000)
                        .map(days -> LocalDate.ofEpochDay(days).toString())),
                Tuple.of(2, Arbitraries.of("", " ", "2020-02-30", "2020-13-01", "20200101", "2020-1-1", "0000-01-01",
                        "0001-01-01", "9999-12-31", "+10000-01-01", "-0001-01-01", "+999999999-12-31",
                        "-999999999-01-01", " 2001-02-03 ", "2001-02-03T00:00")),
                Tuple.of(1, NastyInput.strings()))
                .map(JsonTree::string);
    }

    /** A form with one field so long that the body passes 1 MiB, or just stays below it. */
    private static Arbitrary<JsonTree> hugeBodies(String field) {
        return Arbitraries.integers().between((int) MAX_JSON_BODY_BYTES - 200, (int) MAX_JSON_BODY_BYTES + 200)
                .map(length -> JsonTree.object("email", JsonTree.string("huge@example.com"), "password",
                        JsonTree.string("long enough password"), field, JsonTree.string("x".repeat(length - 90))));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators: uploads

    /** A multipart form as parts; {@link #body()} is its wire form. */
    record Upload(List<BodyRules.Part> parts, String shown) {
        static final String BOUNDARY = "----entrance-properties-7d1c";

        byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (BodyRules.Part part : parts) {
                out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"")
                        .getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(part.name());
                out.writeBytes("\"".getBytes(StandardCharsets.US_ASCII));
                if (part.fileName() != null) {
                    out.writeBytes("; filename=\"".getBytes(StandardCharsets.US_ASCII));
                    out.writeBytes(part.fileName());
                    out.writeBytes("\"\r\nContent-Type: application/octet-stream".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(part.content());
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return shown;
        }
    }

    @Provide
    Arbitrary<Upload> uploads() {
        Arbitrary<Optional<BodyRules.Part>> receiver = part("receiver", Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(bob.id())),
                Tuple.of(2, Arbitraries.of(inactive, UUID.nameUUIDFromBytes(new byte[] {1}).toString())),
                Tuple.of(2, Arbitraries.of(alice.id(), bob.id().toUpperCase(Locale.ROOT), " " + bob.id() + " ",
                        "not-a-uuid", "")),
                Tuple.of(1, NastyInput.strings())));
        Arbitrary<Optional<BodyRules.Part>> caption = part("message", Arbitraries.frequencyOf(
                Tuple.of(4, NastyInput.strings().map(text -> acceptableText(text))),
                Tuple.of(2, NastyInput.strings()),
                Tuple.of(1, NastyInput.around(BodyRules.MAX_CAPTION_CODE_POINTS, BodyRules.MAX_FIELD_BYTES))));
        Arbitrary<Optional<BodyRules.Part>> name = part("attached_file_name", NastyInput.strings());
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 300)),
                Tuple.of(1, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between((int) MAX_UPLOAD_BYTES - 1, (int) MAX_UPLOAD_BYTES + 1)));
        Arbitrary<Optional<String>> fileNames = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(3, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(stem -> Optional.of(stem + ".bin"))),
                Tuple.of(2, NastyInput.strings().map(Optional::of)));
        Arbitrary<Optional<BodyRules.Part>> file = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(8, Combinators.combine(fileNames, sizes).as((fileName, size) -> Optional.of(new BodyRules.Part(
                        "attached_file".getBytes(StandardCharsets.US_ASCII),
                        fileName.map(EntrancePropertiesTest::headerText).orElse(null), content(size))))));
        Arbitrary<List<BodyRules.Part>> extras = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(List.of())),
                Tuple.of(2, Combinators.combine(NastyInput.strings(), NastyInput.strings())
                        .as((key, value) -> new BodyRules.Part(headerText(key), null, BodyRules.wtf8(value)))
                        .list().ofMaxSize(2)),
                Tuple.of(1, Arbitraries.integers().between(14, 17).map(count -> {
                    List<BodyRules.Part> many = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        many.add(new BodyRules.Part(("extra" + i).getBytes(StandardCharsets.US_ASCII), null, new byte[] {'x'}));
                    }
                    return many;
                })),
                Tuple.of(1, Arbitraries.just(List.of(new BodyRules.Part("attached_file".getBytes(StandardCharsets.US_ASCII),
                        "second.bin".getBytes(StandardCharsets.US_ASCII), content(3))))));
        return Combinators.combine(receiver, caption, name, file, extras, Arbitraries.of(0, 1, 2))
                .as((to, text, fileName, attached, more, order) -> {
                    List<BodyRules.Part> parts = new ArrayList<>();
                    Stream.of(to, text, fileName, attached).forEach(part -> part.ifPresent(parts::add));
                    if (order == 1) {
                        java.util.Collections.reverse(parts);
                    }
                    if (order == 2) {
                        parts.addAll(0, more);
                    } else {
                        parts.addAll(more);
                    }
                    return new Upload(parts, describe(parts));
                });
    }

    /** A text part: missing, or its value as raw bytes (an unpaired surrogate as the three bytes a lax encoder writes). */
    private static Arbitrary<Optional<BodyRules.Part>> part(String name, Arbitrary<String> values) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(6, values.map(value -> Optional.of(new BodyRules.Part(
                        name.getBytes(StandardCharsets.US_ASCII), null, BodyRules.wtf8(value))))));
    }

    /** Header text as raw bytes, without the quote, backslash and line breaks that would end or escape it. */
    private static byte[] headerText(String text) {
        return BodyRules.wtf8(text.replaceAll("[\"\\\\\r\n]", "_"));
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static String describe(List<BodyRules.Part> parts) {
        List<String> shown = new ArrayList<>();
        for (BodyRules.Part part : parts) {
            String name = shownBytes(part.name());
            String text = part.fileName() == null ? "" : "; filename=" + shownBytes(part.fileName());
            String content = name.equals("\"attached_file\"") ? part.content().length + " bytes" : shownBytes(part.content());
            shown.add(name + text + " = " + content);
        }
        return shown.toString();
    }

    /** Bytes as text (escaped) when they are UTF-8, else in hex. */
    private static String shownBytes(byte[] bytes) {
        Optional<String> text = BodyRules.decode(bytes);
        if (text.isPresent()) {
            StringBuilder out = new StringBuilder();
            JsonTree.writeString(text.get(), out, true, JsonTree.SHOWN);
            return out.toString();
        }
        return bytes.length > 64 ? "bytes(" + bytes.length + ", not UTF-8)" : hex(bytes);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Checks

    private static void assertErrorFrame(JsonNode error, FrameRules.Refused expected, Object input) {
        String shown = "error frame " + error + " for " + input;
        assertThat(error.get("action").asText()).as(shown).isEqualTo("error");
        assertThat(error.get("code").asText()).as(shown).isIn(ERROR_CODES).isEqualTo(expected.code());
        assertThat(error.get("message").isTextual() && !error.get("message").asText().isBlank()).as(shown).isTrue();
        JsonNode requestAction = error.get("request_action");
        assertThat(requestAction).as(shown).isNotNull();
        if (expected.requestAction() == null) {
            assertThat(requestAction.isNull()).as(shown + ": request_action null").isTrue();
        } else {
            assertThat(requestAction.asText()).as(shown).isEqualTo(expected.requestAction());
        }
        if (expected.clientMsgId() == null) {
            assertThat(error.has("client_msg_id")).as(shown + ": no client_msg_id").isFalse();
        } else {
            assertThat(error.path("client_msg_id").asText()).as(shown).isEqualTo(expected.clientMsgId());
        }
        assertNoLeak(error.get("message").asText(), shown);
    }

    /**
     * Contract §14: the conf_message of alice's earlier stored send with the same client_msg_id, when there was one
     * (file_message stores nothing and always delivers again).
     */
    private static Optional<JsonNode> sentBefore(FrameRules.Confirmed expected) {
        return expected.stores() && expected.clientMsgId() != null
                ? Optional.ofNullable(SENT_WITH_KEY.get(expected.clientMsgId())) : Optional.empty();
    }

    private static void remember(FrameRules.Confirmed expected, JsonNode conf) {
        if (expected.stores() && expected.clientMsgId() != null) {
            SENT_WITH_KEY.put(expected.clientMsgId(), conf);
        }
    }

    /**
     * A repeat is answered with the original's conf_message, field for field; only the shared profile's details may be
     * missing when the repeat shares another profile than the original (or is another action).
     */
    private static void assertRepeatedConfirmation(JsonNode conf, JsonNode original, Object frame) {
        String shown = "answer " + conf + " to the repeat " + frame + " of " + original;
        if (CHANGED.contains(original.get("created_msg_id").asLong())) {
            // Edited or deleted since: shown as it is now (docs/api.md, "Idempotent sending"), the same message.
            for (String field : List.of("action", "created_msg_id", "timestamp", "client_msg_id", "sender_id")) {
                assertThat(conf.get(field)).as(shown).isEqualTo(original.get(field));
            }
            return;
        }
        ObjectNode answered = conf.deepCopy();
        ObjectNode first = original.deepCopy();
        JsonNode profile = answered.remove("attached_profile");
        JsonNode originalProfile = first.remove("attached_profile");
        assertThat(answered).as(shown).isEqualTo(first);
        if (originalProfile != null) {
            assertThat(profile).as(shown).isNotNull();
            assertThat(profile.get("id")).as(shown).isEqualTo(originalProfile.get("id"));
        }
    }

    private static void assertConfirmation(JsonNode conf, FrameRules.Confirmed expected, Frame frame) {
        String shown = "answer " + conf + " to " + frame;
        assertThat(conf.get("action").asText()).as(shown).isEqualTo("conf_message");
        assertThat(conf.get("message_type").asText()).as(shown).isEqualTo(expected.messageType());
        assertThat(conf.get("sender_id").asText()).as(shown).isEqualTo(alice.id());
        assertThat(conf.get("receiver_id").asText()).as(shown).isEqualTo(bob.id());
        assertThat(conf.get("created_msg_id").canConvertToLong()).as(shown).isTrue();
        if (expected.clientMsgId() == null) {
            assertThat(conf.has("client_msg_id")).as(shown + ": no client_msg_id").isFalse();
        } else {
            assertThat(conf.path("client_msg_id").asText()).as(shown).isEqualTo(expected.clientMsgId());
        }
        if (expected.body() != null) {
            assertThat(conf.get("message").asText()).as(shown + ": the text as sent").isEqualTo(expected.body());
        }
    }

    private static void assertAnswer(HttpApi.Reply reply, BodyRules.Answer expected, Object input) {
        String shown = "HTTP " + reply.status() + " " + abbreviated(reply.raw()) + " for " + input;
        assertThat(reply.status()).as(shown + ": never a 5xx").isLessThan(500);
        assertThat(reply.json()).as(shown + ": a JSON envelope").isNotNull();
        JsonNode body = reply.json();
        if (reply.status() < 300) {
            assertThat(body.get("status").asText()).as(shown).isEqualTo("success");
            assertThat(body.get("success").asBoolean()).as(shown).isTrue();
        } else {
            assertThat(body.get("status").asText()).as(shown).isEqualTo("failure");
            assertThat(body.has("entity") && body.get("entity").isNull()).as(shown + ": entity null").isTrue();
            assertThat(body.get("success").isBoolean() && !body.get("success").asBoolean()).as(shown).isTrue();
            assertThat(body.get("message").isTextual() && !body.get("message").asText().isBlank()).as(shown).isTrue();
            assertThat(body.get("code").asText()).as(shown).isIn(REST_CODES);
            assertNoLeak(body.get("message").asText(), shown);
            if (body.get("code").asText().equals("validation_error")) {
                JsonNode errors = body.get("errors");
                assertThat(errors != null && errors.isObject() && !errors.isEmpty()).as(shown + ": errors").isTrue();
                errors.forEach(problems -> {
                    assertThat(problems.isArray() && !problems.isEmpty()).as(shown).isTrue();
                    problems.forEach(problem -> assertNoLeak(problem.asText(), shown));
                });
            }
        }
        if (expected.orField() != null && reply.status() == 400 && body.path("code").asText().equals("validation_error")
                && Frames.keys(body.get("errors")).equals(Set.of(expected.orField()))) {
            return; // the failure the documents also allow
        }
        assertThat(reply.status()).as(shown + ": expected " + expected).isEqualTo(expected.status());
        if (expected.code() != null) {
            assertThat(body.get("code").asText()).as(shown + ": expected " + expected).isEqualTo(expected.code());
        }
        if (expected.fields() != null) {
            assertThat(body.has("errors")).as(shown + ": expected " + expected).isTrue();
            assertThat(Frames.keys(body.get("errors"))).as(shown + ": expected " + expected)
                    .isEqualTo(expected.fields());
        }
    }

    private static String label(FrameRules.Answer answer) {
        if (answer instanceof FrameRules.Confirmed confirmed) {
            return "conf_message " + confirmed.messageType();
        }
        if (answer instanceof FrameRules.Refused refused) {
            return "error " + refused.code();
        }
        if (answer instanceof FrameRules.Changed changed) {
            return changed.action();
        }
        if (answer instanceof FrameRules.Marked) {
            return "seen_message";
        }
        if (answer instanceof FrameRules.Typed) {
            return "typing";
        }
        return "close " + ((FrameRules.Closed) answer).code();
    }

    /** Reports how often each answer was expected, and requires each of {@code required} at least once. */
    private static void collect(BodyRules.Answer expected, String... required) {
        Statistics.label("answer").collect(expected.status() + (expected.code() == null ? "" : " " + expected.code()));
        Statistics.label("answer").coverage(checker -> {
            for (String answer : required) {
                checker.check(answer).count(count -> count > 0);
            }
        });
    }

    private static void assertNoLeak(String text, String shown) {
        for (String leak : LEAKS) {
            assertThat(text).as(shown + ": no stack trace or SQL").doesNotContain(leak);
        }
    }

    private static void assertAtMostOneLogLine(int mark, Object input) {
        List<String> lines = log.since(mark);
        assertThat(lines).as("the server log lines written for %s", input).hasSizeLessThanOrEqualTo(1);
    }

    /** After a refused frame a raw connection stays usable: a valid send is confirmed (its message id returned). */
    private static long assertUsable(RawWebSocket socket) throws IOException {
        String probe = "raw-probe-" + (++tries);
        socket.send(0x1, JsonTree.object("action", JsonTree.string("text_message"), "message_body",
                JsonTree.string(probe), "receiver_id", JsonTree.string(bob.id()), "client_msg_id",
                JsonTree.string(probe)).json().getBytes(StandardCharsets.UTF_8));
        RawWebSocket.Received answer = socket.next();
        assertThat(answer).isInstanceOf(RawWebSocket.Text.class);
        JsonNode conf = HttpApi.JSON.readTree(((RawWebSocket.Text) answer).text());
        assertThat(conf.get("action").asText()).as(conf.toString()).isEqualTo("conf_message");
        assertThat(conf.get("client_msg_id").asText()).isEqualTo(probe);
        return conf.get("created_msg_id").asLong();
    }

    /** The message ids of {@code frames}, each of which must be a {@code action} frame. */
    private static List<Long> ids(List<JsonNode> frames, String action) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode frame : frames) {
            assertThat(frame.path("action").asText()).as(frame.toString()).isEqualTo(action);
            ids.add(frame.get("created_msg_id").asLong());
        }
        return ids;
    }

    /** What alice's valid send answered, and every frame that came before it on alice's and bob's connections. */
    record Probe(long messageId, List<JsonNode> answersBefore, List<JsonNode> receivedBefore) {
    }

    /**
     * Alice sends bob a valid message and both wait for it: the frames each gets before it are the answers to what
     * was sent before (no answer can come after it: frames of one connection are answered in order, and group commit
     * stores and delivers in order).
     */
    private static Probe probe() {
        String id = "probe-" + (++tries);
        aliceSocket.send(Frames.text(bob.id(), id, id));
        List<JsonNode> answers = new ArrayList<>();
        JsonNode conf = next(aliceSocket, "alice's confirmation of " + id, answers,
                frame -> "conf_message".equals(frame.path("action").asText()) && id.equals(frame.path("client_msg_id").asText()));
        List<JsonNode> received = new ArrayList<>();
        next(bobSocket, "bob's copy of " + id, received, frame -> id.equals(frame.path("message").asText()));
        return new Probe(conf.get("created_msg_id").asLong(), answers, received);
    }

    /** Frames of {@code socket} until one matches (returned); the ones before go to {@code before}. */
    private static JsonNode next(ChatSocket socket, String what, List<JsonNode> before, Predicate<JsonNode> last) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = socket.poll(Duration.ofMillis(100));
            if (frame == null) {
                if (socket.isClosed()) {
                    throw new AssertionError(what + ": the connection closed with " + socket.awaitClose()
                            + " after " + before);
                }
                continue;
            }
            if (last.test(frame)) {
                return frame;
            }
            before.add(frame);
        }
        throw new AssertionError(what + ": not within 10 s; frames before: " + before);
    }

    private static void afterTry() {
        if (++tries % BATCH == 0) {
            bystandersChat();
        }
    }

    /** Carol and Dave, on connections of their own, still exchange a message. */
    private static void bystandersChat() {
        String text = "bystanders " + (++tries);
        carolSocket.send(Frames.text(dave.id(), text));
        JsonNode received = next(daveSocket, "dave's copy of " + text, new ArrayList<>(),
                frame -> text.equals(frame.path("message").asText()));
        assertThat(received.get("action").asText()).isEqualTo("re_message");
        JsonNode conf = next(carolSocket, "carol's confirmation of " + text, new ArrayList<>(),
                frame -> text.equals(frame.path("message").asText()));
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The world

    private static FrameRules.World frameWorld() {
        return new FrameRules.World(alice.id(), Set.of(bob.id()),
                Set.of(alice.id(), bob.id(), carol.id(), dave.id(), inactive, upsertTarget), alicesFile, STORE);
    }

    /** The messages and read markers in the server's database, as the rules see them. */
    private static final FrameRules.Store STORE = new FrameRules.Store() {
        @Override
        public Optional<FrameRules.Stored> message(long id) {
            String query = "SELECT thread_id, sender_id, receiver_id, message_type, deleted FROM messages WHERE id = ?";
            try (java.sql.PreparedStatement statement = database.prepareStatement(query)) {
                statement.setLong(1, id);
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? Optional.of(new FrameRules.Stored(id, result.getLong(1),
                            result.getObject(2).toString(), result.getObject(3).toString(), result.getString(4),
                            result.getBoolean(5))) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(query, e);
            }
        }

        @Override
        public long marker(long thread, String user) {
            String query = "SELECT message_id FROM read_markers WHERE thread_id = ? AND user_id = ?";
            try (java.sql.PreparedStatement statement = database.prepareStatement(query)) {
                statement.setLong(1, thread);
                statement.setObject(2, UUID.fromString(user));
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? result.getLong(1) : 0;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(query, e);
            }
        }
    };

    /** A message's stored state (text, edited, deleted, updated_at, kind), or empty: to see that nothing changed. */
    private static List<Object> row(Optional<Long> id) {
        if (id.isEmpty()) {
            return List.of();
        }
        String query = "SELECT body, edited, deleted, updated_at, message_type, storage_key FROM messages WHERE id = ?";
        try (java.sql.PreparedStatement statement = database.prepareStatement(query)) {
            statement.setLong(1, id.get());
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return List.of();
                }
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= 6; column++) {
                    row.add(String.valueOf(result.getObject(column)));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    private static BodyRules.Accounts accounts() {
        return new BodyRules.Accounts(Map.copyOf(PASSWORDS), Map.copyOf(EMAILS), Set.of(alice.refresh()));
    }

    /** A body above the 1 MiB limit of JSON bodies: 413. */
    private static Optional<BodyRules.Answer> oversized(JsonTree body) {
        return body.json().getBytes(StandardCharsets.UTF_8).length > MAX_JSON_BODY_BYTES
                ? Optional.of(BodyRules.Answer.failure(413, "too_large", null)) : Optional.empty();
    }

    private static HttpApi.Reply postJson(String path, JsonTree body, String token) {
        return api.send(api.request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.json().getBytes(StandardCharsets.UTF_8))));
    }

    /** Alice's conversation with bob after {@code after}, newest first. */
    private static JsonNode messagesAfter(long after) {
        HttpApi.Reply reply = api.get("/chat/messages/" + bob.id() + "/?limit=200&after=" + after, alice.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.data().get("has_more").asBoolean()).isFalse();
        return reply.data().get("messages");
    }

    private static String storedText(JsonNode messages, long id) {
        for (JsonNode message : messages) {
            if (message.get("id").asLong() == id) {
                return message.get("message").asText();
            }
        }
        throw new AssertionError("message " + id + " not in " + messages);
    }

    private static long count(String table) {
        return number("SELECT count(*) FROM " + table);
    }

    private static long maxMessageId() {
        return number("SELECT coalesce(max(id), 0) FROM messages");
    }

    private static long number(String query) {
        try (Statement statement = database.createStatement(); ResultSet result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    private static Set<Path> files(String directory) throws IOException {
        Path root = SERVER.dataDir().resolve(directory);
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static long uploadFile(Person from, Person to) {
        HttpApi.Reply reply = new Multipart().field("receiver", to.id()).file("attached_file", "a.bin", new byte[] {1, 2, 3})
                .post(api, from.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.json().get("entity").get("message").get("id").asLong();
    }

    /** Text with every unpaired surrogate and U+0000 replaced: acceptable text (which may still be blank). */
    private static String acceptableText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) || c == '\0' ? 'x' : c);
            }
        }
        return out.toString();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder("<");
        for (byte b : bytes) {
            out.append(String.format("%02X", b & 0xFF));
        }
        return out.append('>').toString();
    }

    private static String abbreviated(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "…" : text;
    }
}
