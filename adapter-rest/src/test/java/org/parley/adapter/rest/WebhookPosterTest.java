package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookNotice;
import org.parley.application.testing.ChatFixtures;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.User;

/** The webhook's HTTP side against a real local receiver: body shape, signature, failures, time-out. */
class WebhookPosterTest {

    private static final String SECRET = "webhook-secret-for-tests";

    private HttpServer receiver;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger status = new AtomicInteger(204);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final User ann = ChatFixtures.completeUser();
    private final User bob = ChatFixtures.minimalUser();

    record Received(String body, String signature, String contentType, String authorization, String query) {
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/parley", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Parley-Signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestURI().getRawQuery()));
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        receiver.createContext("/trickle", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write('{');
            exchange.getResponseBody().flush();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        hold.countDown();
        receiver.stop(0);
    }

    @Test
    void posts_the_event_with_the_history_message_and_a_signature_of_the_raw_body() throws Exception {
        WebhookPoster poster = new WebhookPoster(url(), SECRET, Duration.ofSeconds(5));
        WebhookNotice notice = notice(false);

        assertThat(poster.post(notice)).isNull();

        Received got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.contentType()).isEqualTo("application/json");
        assertThat(got.signature()).isEqualTo("sha256=" + hmac(got.body()));
        JsonNode body = new ObjectMapper().readTree(got.body());
        assertThat(body.get("type").asText()).isEqualTo("message.new");
        assertThat(body.get("id").asText()).isEqualTo(notice.event().id().toString());
        assertThat(body.get("created_at").asText()).isEqualTo("2025-03-14T10:07:31.270646Z");
        assertThat(body.get("receiver_online").asBoolean()).isFalse();
        JsonNode message = body.get("message");
        assertThat(message.get("id").asLong()).isEqualTo(77);
        assertThat(message.get("message").asText()).isEqualTo("hello Bob");
        assertThat(message.get("message_type").asText()).isEqualTo("text");
        assertThat(message.get("sender").get("id").asText()).isEqualTo(ann.id().toString());
        assertThat(message.get("receiver").get("id").asText()).isEqualTo(bob.id().toString());
        assertThat(message.has("attached_file")).isTrue();
        assertThat(message.get("sender").has("password")).isFalse();
    }

    @Test
    void user_information_in_the_url_is_sent_as_basic_authentication_and_the_query_kept() throws Exception {
        URI withUser = URI.create("http://hook%40app:s3cret@127.0.0.1:" + receiver.getAddress().getPort()
                + "/hooks/parley?tenant=7&sig=a%26b");

        assertThat(new WebhookPoster(withUser, SECRET, Duration.ofSeconds(5)).post(notice(true))).isNull();

        Received got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("hook@app:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(got.query()).isEqualTo("tenant=7&sig=a%26b");
    }

    @Test
    void a_non_2xx_answer_is_a_failure_named_by_its_status() {
        status.set(500);
        assertThat(new WebhookPoster(url(), SECRET, Duration.ofSeconds(5)).post(notice(true))).isEqualTo("HTTP 500");
        status.set(302);
        assertThat(new WebhookPoster(url(), SECRET, Duration.ofSeconds(5)).post(notice(true))).isEqualTo("HTTP 302");
    }

    @Test
    void no_answer_within_the_time_out_is_a_failure() {
        hold = new CountDownLatch(1);
        long start = System.nanoTime();

        String failure = new WebhookPoster(url(), SECRET, Duration.ofMillis(300)).post(notice(true));

        assertThat(failure).isEqualTo("no answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void an_answer_whose_body_trickles_past_the_time_out_is_a_failure() {
        hold = new CountDownLatch(1);
        URI trickle = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/trickle");
        long start = System.nanoTime();

        String failure = new WebhookPoster(trickle, SECRET, Duration.ofMillis(300)).post(notice(true));

        assertThat(failure).isEqualTo("no answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void a_receiver_that_is_not_there_is_a_failure_not_an_exception() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String failure = new WebhookPoster(URI.create("http://127.0.0.1:" + port + "/"), SECRET, Duration.ofSeconds(2))
                .post(notice(true));
        assertThat(failure).contains("ConnectException");
    }

    @Test
    void the_url_is_shown_without_user_information_or_query_and_the_secret_never() {
        URI url = URI.create("https://app:hunter2@hooks.example.com:8443/parley/in?token=abc");
        WebhookPoster poster = new WebhookPoster(url, SECRET, Duration.ofSeconds(5));

        assertThat(WebhookPoster.redacted(url)).isEqualTo("https://hooks.example.com:8443/parley/in");
        assertThat(poster.toString()).doesNotContain("hunter2", "token", "abc", SECRET);
    }

    @Test
    void refuses_what_is_not_an_http_url_or_an_empty_secret() {
        assertThatThrownBy(() -> new WebhookPoster(URI.create("ftp://example.com/"), SECRET, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookPoster(URI.create("/relative"), SECRET, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookPoster(url(), "", Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/parley");
    }

    private WebhookNotice notice(boolean online) {
        Message message = new MessageDraft(new ThreadId(5), ann.id(), bob.id(), new MessageContent.Text("hello Bob"),
                ChatFixtures.T0).storedAs(new MessageId(77));
        return new WebhookNotice(WebhookEvent.messageNew(message), online, message, false,
                Map.of(ann.id(), ann, bob.id(), bob), Optional.empty());
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
