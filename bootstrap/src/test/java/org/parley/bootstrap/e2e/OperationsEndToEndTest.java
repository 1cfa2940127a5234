package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §17's health and metrics against running servers, with real HTTP and websocket clients: liveness and
 * readiness without a token (the bus named too when the run is clustered), {@code /metrics} absent by default, open
 * with {@code PARLEY_METRICS=true}, and behind its bearer token with {@code PARLEY_METRICS_TOKEN}; and the counters of
 * the message path moving as messages are sent (the Prometheus text parsed).
 */
class OperationsEndToEndTest {

    private static final String TOKEN = "metrics-scrape-token-0123456789";

    @RegisterExtension
    static final RunningParley PLAIN = new RunningParley();

    @RegisterExtension
    static final RunningParley PROTECTED = new RunningParley(config -> config
            .withOperations(config.operations().withMetrics(ParleyConfig.Metrics.protectedBy(TOKEN)))
            .withLimits(ParleyConfig.Limits.off().withSendRate(5, 5)));

    @RegisterExtension
    static final RunningParley OPEN = new RunningParley(config -> config
            .withOperations(config.operations().withMetrics(ParleyConfig.Metrics.open())));

    @Test
    void theApiDescriptionsAreServedWithoutATokenAsTheTestsHoldTheServerToThem() {
        HttpApi api = new HttpApi(PLAIN.httpBase());
        for (String document : new String[] {"openapi.json", "asyncapi.json"}) {
            HttpApi.Reply served = api.get("/" + document, null);
            assertThat(served.status()).as(document).isEqualTo(200);
            assertThat(served.header("Content-Type")).isEqualTo("application/json");
            assertThat(served.raw()).isEqualTo(ApiDescriptions.text("api/" + document));
            HttpApi.Reply again = api.send(api.request("/" + document, "any token").header("If-None-Match",
                    served.header("ETag")).GET());
            assertThat(again.status()).as(document).isEqualTo(304);
        }
        // another method on a described path: x-parley-unrouted's 405
        HttpApi.Reply wrongMethod = api.send(api.request("/openapi.json", null)
                .DELETE());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void livenessAnswersUpWithoutAToken() {
        HttpApi.Reply live = new HttpApi(PLAIN.httpBase()).get("/health/live", null);

        assertThat(live.status()).as(live.raw()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("up");
        assertThat(live.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void readinessAnswersUpNamingEveryPartWithoutAToken() {
        for (RunningParley server : new RunningParley[] {PLAIN, PROTECTED}) {
            HttpApi.Reply ready = new HttpApi(server.httpBase()).get("/health/ready", null);

            assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("up");
            assertThat(ready.json().get("checks").get("database").asText()).isEqualTo("up");
            assertThat(ready.json().has("bus")).isFalse();
            if (RunningParley.clustered()) {
                assertThat(ready.json().get("checks").get("bus").asText()).isEqualTo("up");
            } else {
                assertThat(ready.json().get("checks").has("bus")).isFalse();
            }
        }
    }

    @Test
    void metricsAreOffByDefault() {
        HttpApi.Reply metrics = new HttpApi(PLAIN.httpBase()).get("/metrics", null);

        assertThat(metrics.status()).as(metrics.raw()).isEqualTo(404);
        assertThat(new HttpApi(PLAIN.httpBase()).get("/metrics", TOKEN).status()).isEqualTo(404);
    }

    @Test
    void openMetricsNeedNoToken() {
        HttpApi.Reply metrics = new HttpApi(OPEN.httpBase()).get("/metrics", null);

        assertThat(metrics.status()).as(metrics.raw()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
        assertThat(PrometheusText.parse(metrics.raw()).has("jvm_memory_used_bytes")).isTrue();
    }

    @Test
    void protectedMetricsRefuseAMissingOrWrongTokenWith401() {
        HttpApi api = new HttpApi(PROTECTED.httpBase());
        for (String wrong : new String[] {null, "not-the-token-0123456789"}) {
            HttpApi.Reply refused = api.get("/metrics", wrong);

            assertThat(refused.status()).as(refused.raw()).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(refused.json().get("status").asText()).isEqualTo("failure");
            assertThat(refused.json().get("success").asBoolean()).isFalse();
            assertThat(refused.raw()).doesNotContain("parley_");
        }
        HttpApi.Reply basic = api.send(api.request("/metrics", null).header("Authorization", "Basic " + TOKEN).GET());
        assertThat(basic.status()).isEqualTo(401);

        HttpApi.Reply allowed = api.get("/metrics", TOKEN);
        assertThat(allowed.status()).as(allowed.raw()).isEqualTo(200);
        assertThat(allowed.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    void afterMessagesAreSentTheMessagePathCountersHaveMoved() throws Exception {
        // One node, the first: metrics are per node, and both users connect to it.
        String http = "http://127.0.0.1:" + PROTECTED.port();
        String ws = "ws://127.0.0.1:" + PROTECTED.port();
        HttpApi api = new HttpApi(http);
        People people = new People(api);
        Person ada = people.register("Ada");
        Person alan = people.register("Alan");
        PrometheusText before = scrape(api);

        try (ChatSocket sender = ChatSocket.connect(ws, ada.access());
             ChatSocket receiver = ChatSocket.connect(ws, alan.access())) {
            for (int i = 1; i <= 3; i++) {
                sender.send(Frames.text(alan.id(), "counted " + i, "m-" + i));
                assertThat(sender.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(receiver.next().get("action").asText()).isEqualTo("re_message");
            }
            sender.send("{not json");
            assertThat(sender.next().get("code").asText()).isEqualTo("invalid_json");

            // The delivery thread records a message's delivery latency once it has handed the frames to the
            // connections, so the receiver can hold the third re_message a moment before it is counted.
            PrometheusText after = scrapeOnce(api, scraped -> scraped.value("parley_delivery_latency_seconds_count")
                    - before.value("parley_delivery_latency_seconds_count") >= 3);
            assertThat(after.value("parley_connections_open")).isGreaterThanOrEqualTo(2);
            assertMoved(before, after, "parley_handshakes_total{outcome=\"accepted\"}", 2);
            assertMoved(before, after, "parley_frames_in_total{action=\"text_message\"}", 3);
            assertMoved(before, after, "parley_frames_in_total{action=\"other\"}", 1);
            assertMoved(before, after, "parley_frames_out_total{action=\"conf_message\"}", 3);
            assertMoved(before, after, "parley_frames_out_total{action=\"re_message\"}", 3);
            assertMoved(before, after, "parley_frames_out_total{action=\"reply\"}", 1);
            assertMoved(before, after, "parley_messages_stored_total", 3);
            assertThat(after.value("parley_store_batch_size_count") - before.value("parley_store_batch_size_count"))
                    .isBetween(1.0, 3.0);
            assertThat(after.value("parley_store_commit_seconds_count")
                    - before.value("parley_store_commit_seconds_count")).isBetween(1.0, 3.0);
            assertMoved(before, after, "parley_delivery_latency_seconds_count", 3);
            assertThat(after.value("parley_delivery_latency_seconds_sum")).isPositive();
            assertThat(after.has("jvm_memory_used_bytes")).isTrue();
            assertThat(after.has("jvm_gc_")).isTrue();
        }
    }

    @Test
    void refusalsOfALimitAndRefusedHandshakesAreCounted() {
        String http = "http://127.0.0.1:" + PROTECTED.port();
        HttpApi api = new HttpApi(http);
        People people = new People(api);
        Person eve = people.register("Eve");
        Person bob = people.register("Bob");
        PrometheusText before = scrape(api);

        try (ChatSocket sender = ChatSocket.connect("ws://127.0.0.1:" + PROTECTED.port(), eve.access())) {
            for (int i = 1; i <= 8; i++) {
                sender.send(Frames.text(bob.id(), "burst " + i, "b-" + i));
            }
            int refused = 0;
            for (int i = 1; i <= 8; i++) {
                JsonNode answer = sender.next();
                if ("rate_limited".equals(answer.path("code").asText())) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            try {
                ChatSocket.connect("ws://127.0.0.1:" + PROTECTED.port(), "not-a-token").close();
            } catch (ChatSocket.HandshakeRefused expected) {
                assertThat(expected.status()).isEqualTo(401);
            }

            PrometheusText after = scrape(api);
            assertMoved(before, after, "parley_limit_refusals_total{limit=\"send_rate\"}", refused);
            assertMoved(before, after, "parley_handshakes_total{outcome=\"unauthorized\"}", 1);
        }
    }

    /**
     * A hostile client cannot blow up the series: frame actions, paths, query strings, headers and handshakes of its
     * choosing land in the fixed labels ({@code other}, {@code reply}, {@code unauthorized}), never in new ones, and
     * no token (the scrape token, wrong ones, access tokens) reaches the log.
     */
    @Test
    void whatClientsChooseCreatesNoNewSeriesAndNoTokenIsLogged() {
        String http = "http://127.0.0.1:" + PROTECTED.port();
        String ws = "ws://127.0.0.1:" + PROTECTED.port();
        HttpApi api = new HttpApi(http);
        Person mallory = new People(api).register("Mallory");
        Person bob = new People(api).register("Bob");
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            frames.add("{\"action\":\"made_up_" + UUID.randomUUID() + "\",\"receiver_id\":\"" + bob.id() + "\"}");
        }
        frames.addAll(List.of("{\"action\":\"re_message\"}", "{\"action\":\"conf_message\"}",
                "{\"action\":\"<script>alert(1)</script>\"}", "{\"action\":\"text_message\\u0000x\"}",
                "{\"action\":\"" + "a".repeat(5000) + "\"}", "{\"action\":\"\u00e9t\u00e9 \uD83D\uDE00\"}",
                "{\"action\":123}", "{\"action\":{\"nested\":1}}", "{\"action\":null}", "[\"text_message\"]",
                "\"text_message\"", "{}", "not json"));

        try (ServerLog log = ServerLog.capture()) {
            int mark = log.mark();
            PrometheusText before = scrape(api);
            try (ChatSocket socket = ChatSocket.connect(ws, mallory.access())) {
                for (String frame : frames) {
                    socket.send(frame);
                    assertThat(socket.next().get("action").asText()).as(frame).isEqualTo("error");
                }
            }
            for (int i = 0; i < 20; i++) {
                String random = UUID.randomUUID().toString();
                api.get("/" + random + "/?" + random + "=" + random, "wrong-" + random);
                api.send(api.request("/metrics?name=" + random, "wrong-" + random).header("X-" + random, random).GET());
                api.send(api.request("/chat/user/threads/", null).method("X" + i, HttpRequest.BodyPublishers.noBody()));
                URI handshake = URI.create(ws + "/ws/chat/room/?token=bad-" + random);
                assertThatThrownBy(() -> ChatSocket.connect(handshake, null))
                        .isInstanceOf(ChatSocket.HandshakeRefused.class);
            }
            PrometheusText after = scrape(api);

            assertThat(after.series("parley_")).as("the same series, none new").isEqualTo(before.series("parley_"));
            assertMoved(before, after, "parley_frames_in_total{action=\"other\"}", frames.size());
            assertMoved(before, after, "parley_frames_out_total{action=\"reply\"}", frames.size());
            assertMoved(before, after, "parley_handshakes_total{outcome=\"unauthorized\"}", 20);
            assertThat(String.join("\n", log.since(mark))).doesNotContain(TOKEN).doesNotContain("wrong-")
                    .doesNotContain("bad-").doesNotContain(mallory.access());
        }
    }

    private static PrometheusText scrape(HttpApi api) {
        HttpApi.Reply reply = api.send(api.request("/metrics", TOKEN).timeout(Duration.ofSeconds(10)).GET());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return PrometheusText.parse(reply.raw());
    }

    /** The first scrape within 5 s for which {@code moved} holds, else the last one (the assertions then say why). */
    private static PrometheusText scrapeOnce(HttpApi api, java.util.function.Predicate<PrometheusText> moved)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        PrometheusText scraped = scrape(api);
        while (!moved.test(scraped) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            scraped = scrape(api);
        }
        return scraped;
    }

    private static void assertMoved(PrometheusText before, PrometheusText after, String series, double by) {
        assertThat(after.value(series) - before.value(series)).as(series).isEqualTo(by);
    }
}
