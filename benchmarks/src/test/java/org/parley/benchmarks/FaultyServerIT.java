package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.benchmarks.FaultyParley.Fault;

/**
 * The tool's own entry point ({@link Bench#run}, as {@code main} calls it) against {@link FaultyParley}, a tiny server
 * that loses, duplicates or stores twice one message each: every such run must end with exit status 2 and name each
 * fault in its counts, while the same server without faults gives a clean run (exit 0), so the failures come from the
 * faults and not from the fake.
 */
class FaultyServerIT {

    private static final String SECRET = "faulty-server-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "faulty-server-admin-key";

    @TempDir
    Path out;

    @Test
    void aCorrectServerGivesACleanThroughputRun() throws Exception {
        Run run = throughput(EnumSet.noneOf(Fault.class));

        assertThat(run.status).isZero();
        assertAccounting(run, 0, 0, 0);
        assertThat(run.accounting().path("received").asLong()).isEqualTo(run.accounting().path("sent").asLong());
        assertThat(run.result.path("clean").asBoolean()).isTrue();
        assertThat(run.summary).contains("OK: every message confirmed and delivered exactly once");
    }

    @Test
    void aLostDeliveryFailsTheRun() throws Exception {
        Run run = throughput(EnumSet.of(Fault.LOSE_DELIVERY));

        assertFailed(run);
        assertAccounting(run, 1, 0, 0);
        assertThat(run.accounting().path("received").asLong()).isEqualTo(run.accounting().path("sent").asLong() - 1);
        assertThat(run.result.path("figures").path("drained").asBoolean()).isFalse();
    }

    @Test
    void aDuplicatedDeliveryFailsTheRun() throws Exception {
        Run run = throughput(EnumSet.of(Fault.DUPLICATE_DELIVERY));

        assertFailed(run);
        assertAccounting(run, 0, 1, 0);
        assertThat(run.accounting().path("received").asLong()).isEqualTo(run.accounting().path("sent").asLong());
    }

    @Test
    void aMessageStoredTwiceUnderTwoIdsFailsTheRun() throws Exception {
        Run run = throughput(EnumSet.of(Fault.STORE_TWICE));

        assertFailed(run);
        assertAccounting(run, 0, 2, 1);
    }

    @Test
    void aDuplicateDoesNotHideALossInOneRun() throws Exception {
        Run run = throughput(EnumSet.allOf(Fault.class));

        assertFailed(run);
        assertAccounting(run, 1, 3, 1);
        assertThat(run.summary).contains("LOST 1, DUPLICATED 3, mismatched ids 1, unknown frames 0");
    }

    @Test
    void theRateModeCountsEveryFaultOfAKnownNumberOfMessages() throws Exception {
        Run clean = run(EnumSet.noneOf(Fault.class), "rate", "--pairs", "2", "--rate", "40", "--warmup", "0",
                "--duration", "1");
        Run faulty = run(EnumSet.allOf(Fault.class), "rate", "--pairs", "2", "--rate", "40", "--warmup", "0",
                "--duration", "1");

        assertThat(clean.status).isZero();
        assertThat(clean.accounting().toString()).isEqualTo(accounting(40, 40, 40, 0, 0, 0));
        assertThat(faulty.status).isEqualTo(2);
        assertThat(faulty.accounting().toString()).isEqualTo(accounting(40, 40, 39, 1, 3, 1));
        assertThat(faulty.server.messagesRead()).isEqualTo(40);
        assertThat(clean.result.path("figures").path("latency_count").asLong()).isEqualTo(40);
        assertThat(faulty.result.path("figures").path("latency_count").asLong())
                .as("first deliveries only are timed").isEqualTo(39);
    }

    private Run throughput(Set<Fault> faults) throws Exception {
        Run run = run(faults, "throughput", "--pairs", "2", "--window", "4", "--warmup", "0", "--duration", "1");
        assertThat(run.accounting().path("sent").asLong()).as("messages sent")
                .isGreaterThanOrEqualTo(8)
                .isEqualTo(run.server.messagesRead())
                .isEqualTo(run.accounting().path("confirmed").asLong());
        assertThat(run.result.path("figures").path("delivered_messages").asLong()).isPositive();
        return run;
    }

    private Run run(Set<Fault> faults, String mode, String... options) throws Exception {
        Path json = out.resolve(mode + "-" + faults.size() + "-" + System.nanoTime() + ".json");
        try (FaultyParley server = new FaultyParley(ADMIN_KEY, SECRET, faults)) {
            String[] args = Stream.concat(Stream.of(mode, "--url", server.httpBase().toString(), "--json",
                    json.toString(), "--drain", "2"), Stream.of(options)).toArray(String[]::new);
            PrintStream stdout = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int status;
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                status = Bench.run(args, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET));
            } finally {
                System.setOut(stdout);
            }
            String summary = printed.toString(StandardCharsets.UTF_8);
            stdout.print(summary);
            assertThat(server.usersCreated()).isEqualTo(4);
            return new Run(status, new ObjectMapper().readTree(json.toFile()), summary, server);
        }
    }

    private static void assertFailed(Run run) {
        assertThat(run.status).as("exit status").isEqualTo(2);
        assertThat(run.result.path("clean").asBoolean()).isFalse();
        assertThat(run.summary).contains("FAILED: messages were lost or duplicated");
    }

    private static void assertAccounting(Run run, long lost, long duplicated, long mismatched) {
        JsonNode accounting = run.accounting();
        assertThat(accounting.path("lost").asLong()).as("lost").isEqualTo(lost);
        assertThat(accounting.path("duplicated").asLong()).as("duplicated").isEqualTo(duplicated);
        assertThat(accounting.path("mismatched_ids").asLong()).as("mismatched ids").isEqualTo(mismatched);
        assertThat(accounting.path("unknown_frames").asLong()).as("unknown frames").isZero();
        assertThat(accounting.path("unexpected_closes").asLong()).as("unexpected closes").isZero();
        assertThat(accounting.path("send_failures").asLong()).as("send failures").isZero();
        assertThat(run.result.path("figures").path("error_frames").asLong()).as("error frames").isZero();
    }

    /** The report's accounting object as JSON text, in the report's order. */
    private static String accounting(long sent, long confirmed, long received, long lost, long duplicated,
                                       long mismatched) {
        return new ObjectMapper().createObjectNode()
                .put("sent", sent).put("confirmed", confirmed).put("received", received).put("lost", lost)
                .put("duplicated", duplicated).put("mismatched_ids", mismatched).put("unknown_frames", 0)
                .put("unexpected_closes", 0).put("send_failures", 0).toString();
    }

    private record Run(int status, JsonNode result, String summary, FaultyParley server) {
        JsonNode accounting() {
            return result.path("accounting");
        }
    }
}
