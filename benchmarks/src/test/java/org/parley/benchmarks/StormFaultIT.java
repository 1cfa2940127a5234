package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.benchmarks.FaultyParley.Fault;

/**
 * The storm mode against {@link FaultyParley}, restarted by the run's hook: before the restart the server stops
 * delivering for a moment (messages confirmed and stored, their frames never sent, as a server killed before it pushed
 * them). A server that keeps its messages lets every receiver catch them up (clean, exit 0, paging through several
 * pages); one that forgets them across the restart loses confirmed messages, and the run must exit 2; one that never
 * comes back fails the run once the reconnect timeout has passed.
 */
class StormFaultIT {

    private static final String SECRET = "storm-fault-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "storm-fault-admin-key";
    private static final int PAIRS = 3;
    private static final int RATE = 60;

    @TempDir
    Path out;

    @Test
    void messagesConfirmedButNeverDeliveredAreCaughtUpFromADurableServer() throws Exception {
        Run run = run(server -> {
            server.stopDelivering();
            Thread.sleep(500);
            server.restart(true, 300);
        }, "10");

        assertThat(run.status).as("exit status").isZero();
        JsonNode accounting = run.result.path("accounting");
        assertThat(accounting.path("lost").asLong()).isZero();
        assertThat(accounting.path("duplicated").asLong()).isZero();
        assertThat(accounting.path("seen_in_catch_up_only").asLong()).as("the undelivered ones")
                .isGreaterThanOrEqualTo(RATE / 4);
        assertThat(run.result.path("figures").path("clients_back").asInt()).isEqualTo(2 * PAIRS);
        assertThat(run.result.path("figures").path("receivers_caught_up").asInt()).isEqualTo(PAIRS);
        assertThat(run.result.path("figures").path("reconnect_attempts_refused").asLong())
                .as("the port refused while down").isPositive();
        assertThat(run.server.catchUpRequests()).as("paged with next_after").isGreaterThan(PAIRS);
        assertThat(run.result.path("figures").path("catch_up_requests").asLong())
                .isEqualTo(run.server.catchUpRequests());
        assertThat(run.summary).contains("OK: every confirmed message seen by its receiver exactly once");
    }

    @Test
    void aServerThatForgetsConfirmedMessagesAcrossTheRestartFailsTheRun() throws Exception {
        Run run = run(server -> {
            server.stopDelivering();
            Thread.sleep(500);
            server.restart(false, 300);
        }, "10");

        assertThat(run.status).as("exit status").isEqualTo(2);
        assertThat(run.result.path("clean").asBoolean()).isFalse();
        JsonNode accounting = run.result.path("accounting");
        assertThat(accounting.path("lost").asLong()).as("confirmed, never delivered, forgotten")
                .isGreaterThanOrEqualTo(RATE / 4);
        // Not asserted: seen_in_catch_up_only. A message sent after the restart, while its receiver was still
        // reconnecting, is listed by that receiver's catch-up before (or instead of) its frame, and counts there; the
        // forgotten messages are the lost ones above (it was 2 in one CI run).
        assertThat(run.result.path("requirements").path("all_back_within_timeout").asBoolean()).isTrue();
        assertThat(run.result.path("requirements").path("all_caught_up_within_timeout").asBoolean()).isTrue();
        assertThat(run.summary).contains("FAILED: confirmed messages were lost");
    }

    @Test
    void aServerThatNeverComesBackFailsTheRunAfterTheTimeout() throws Exception {
        Run run = run(server -> server.goDown(true), "2");

        assertThat(run.status).as("exit status").isEqualTo(2);
        assertThat(run.summary).contains("FAILED");
        assertThat(run.result.path("requirements").path("all_back_within_timeout").asBoolean()).isFalse();
        assertThat(run.result.path("figures").path("clients_back").asInt()).isZero();
        assertThat(run.result.path("figures").path("clients_given_up").asLong()).isEqualTo(2 * PAIRS);
    }

    /** What the hook does to the server, in the middle of the run. */
    private interface Restart {
        void apply(FaultyParley server) throws Exception;
    }

    private Run run(Restart restart, String reconnectTimeout) throws Exception {
        Path json = out.resolve("storm-" + System.nanoTime() + ".json");
        try (FaultyParley server = new FaultyParley(ADMIN_KEY, SECRET, EnumSet.noneOf(Fault.class))) {
            String[] args = Stream.of("storm", "--url", server.httpBase().toString(), "--json", json.toString(),
                    "--connections", Integer.toString(2 * PAIRS), "--rate", Integer.toString(RATE), "--warmup", "1",
                    "--duration", "1", "--drain", "3", "--reconnect-timeout", reconnectTimeout)
                    .toArray(String[]::new);
            Runnable hook = () -> {
                try {
                    restart.apply(server);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            PrintStream stdout = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int status;
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                status = Bench.run(args, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET), hook);
            } finally {
                System.setOut(stdout);
            }
            String summary = printed.toString(StandardCharsets.UTF_8);
            stdout.print(summary);
            return new Run(status, new ObjectMapper().readTree(json.toFile()), summary, server);
        }
    }

    private record Run(int status, JsonNode result, String summary, FaultyParley server) {
    }
}
