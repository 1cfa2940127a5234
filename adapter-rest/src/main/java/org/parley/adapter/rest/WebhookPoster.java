package org.parley.adapter.rest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.parley.application.port.out.WebhookEndpoint;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookNotice;

/**
 * The webhook (contract §15): POSTs each notice to {@code PARLEY_WEBHOOK_URL} as
 * {@code {"type":"message.new"|"message.edited"|"message.deleted","id":"<event uuid>","created_at":"…Z",
 * "receiver_online":<bool>,"message":<the message object of GET /chat/messages/>}} ({@link MessageJson}, so the
 * message has exactly the history's shape), with {@code X-Parley-Signature: sha256=<hex HMAC-SHA256 of the raw body
 * under PARLEY_WEBHOOK_SECRET>}.
 *
 * <p>User information in the URL ({@code https://user:password@host/…}) is sent as HTTP Basic authentication, not
 * in the request line. One JDK {@link HttpClient} for the life of the server (HTTP/1.1, connections kept alive and reused, redirects not
 * followed: a 3xx is no acknowledgement); each POST waits at most the time-out for its answer. Never throws: a
 * failure is returned as one line for the relay's log, which never shows the secret, and shows the URL only as
 * {@link #redacted(URI)}.
 */
public final class WebhookPoster implements WebhookEndpoint {

    /** The header carrying the body's signature. */
    public static final String SIGNATURE_HEADER = "X-Parley-Signature";
    private static final String HMAC = "HmacSHA256";

    private final URI url;
    /** {@code Basic …} from the URL's user information ({@code https://user:password@host/…}), or null. */
    private final String authorization;
    private final SecretKeySpec key;
    private final Duration timeout;
    private final HttpClient client;
    private final ObjectMapper json = new JsonMapperResolver().getContext(WebhookBody.class);

    /**
     * @param url     an absolute {@code http} or {@code https} URL
     * @param secret  the signing key (its UTF-8 bytes), not empty
     * @param timeout how long a POST waits for its answer (5 s in contract §15)
     * @throws IllegalArgumentException for another URL or an empty secret
     */
    public WebhookPoster(URI url, String secret, Duration timeout) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret must not be empty");
        }
        this.authorization = url.getRawUserInfo() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                url.getUserInfo().getBytes(StandardCharsets.UTF_8));
        this.url = withoutUserInfo(url);
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String post(WebhookNotice notice) {
        byte[] body;
        try {
            body = body(notice);
        } catch (RuntimeException | JsonProcessingException e) {
            return "the body could not be written: " + e.getClass().getSimpleName();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Parley-Webhooks")
                .header(SIGNATURE_HEADER, signatureOf(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        // The request's own time-out ends the wait for the answer's head; the deadline below also bounds a body
        // that trickles after it, so a receiver can never hold a sending thread longer than the time-out.
        CompletableFuture<HttpResponse<Void>> answer = client.sendAsync(request,
                HttpResponse.BodyHandlers.discarding());
        try {
            int status = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (TimeoutException e) {
            answer.cancel(true);
            return noAnswer();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return noAnswer();
            }
            return cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage()));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return "interrupted (the server is stopping)";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private String noAnswer() {
        return "no answer within " + timeout.toMillis() + " ms";
    }

    /** The JSON body of {@code notice}, as its bytes are signed and sent. */
    byte[] body(WebhookNotice notice) throws JsonProcessingException {
        MessageJson message = MessageJson.of(notice.message(), notice.people(), m -> notice.attachmentLink(),
                notice.seen());
        return json.writeValueAsBytes(new WebhookBody(typeOf(notice.event().kind()), notice.event().id().toString(),
                WireFormat.timestamp(notice.event().createdAt()), notice.receiverOnline(), message));
    }

    /** {@code sha256=} and the lower-case hex HMAC-SHA256 of {@code body} under the secret. */
    String signatureOf(byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The webhook's {@code type} of each kind of event. */
    static String typeOf(WebhookEvent.Kind kind) {
        return switch (kind) {
            case MESSAGE_NEW -> "message.new";
            case MESSAGE_EDITED -> "message.edited";
            case MESSAGE_DELETED -> "message.deleted";
        };
    }

    /** {@code url} as it may be logged: scheme, host, port and path, without user information or query. */
    public static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
    }

    @Override
    public String toString() {
        return "WebhookPoster[" + redacted(url) + ", timeout " + timeout.toMillis() + " ms]";
    }

    /** {@code url} without its user information, every other part exactly as written (still percent-encoded). */
    private static URI withoutUserInfo(URI url) {
        return URI.create(url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    /** The POSTed body. */
    record WebhookBody(
            @JsonProperty("type") String type,
            @JsonProperty("id") String id,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("receiver_online") boolean receiverOnline,
            @JsonProperty("message") MessageJson message) {
    }
}
