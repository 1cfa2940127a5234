package org.parley.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A receiver's catch-up after a reconnect, over Parley's REST API (docs/api.md, "History and threads"):
 * {@code GET /chat/messages/<sender>/?after=<id>&limit=200} with the receiver's access token as {@code Bearer}, paged
 * with {@code next_after} until {@code has_more} is false. Each listed message is handed over as its client id (read
 * from the body the benchmark wrote, {@code bench <client id>}) and its {@code id}. Blocking: call it from a thread of
 * its own, never from an event loop.
 */
final class CatchUp {

    /** The most messages one page may list (docs/api.md). */
    static final int PAGE_LIMIT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI httpBase;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    CatchUp(URI httpBase) {
        this.httpBase = httpBase;
    }

    /** What a catch-up page's listed message means to the ledger. */
    interface Listed {
        /** {@code clientMsgId} is null when the body was not written by the benchmark. */
        void message(String clientMsgId, long id);
    }

    /**
     * Lists every message from {@code sender} to the token's holder after {@code afterId}, page by page, oldest page
     * first; returns the number of requests made.
     *
     * @throws IOException when a page is not answered 200 with the documented shape (the caller may retry from the
     *                     highest id it has seen)
     */
    int fetch(String token, String sender, long afterId, Listed listed) throws IOException, InterruptedException {
        long after = afterId;
        int requests = 0;
        while (true) {
            HttpRequest request = HttpRequest.newBuilder(
                            httpBase.resolve("/chat/messages/" + sender + "/?after=" + after + "&limit=" + PAGE_LIMIT))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .GET()
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            requests++;
            if (response.statusCode() != 200) {
                throw new IOException("the catch-up answered " + response.statusCode());
            }
            Page page = Page.parse(response.body());
            page.messages().forEach(message -> listed.message(message.clientMsgId(), message.id()));
            if (!page.hasMore()) {
                return requests;
            }
            if (page.nextAfter().isEmpty() || page.nextAfter().getAsLong() <= after) {
                throw new IOException("the catch-up said has_more without a next_after above " + after);
            }
            after = page.nextAfter().getAsLong();
        }
    }

    /** One listed message: its client id (null when the body is not the benchmark's) and its id. */
    record Message(String clientMsgId, long id) {
    }

    /**
     * One page of {@code /chat/messages/}: {@code data.messages} (newest first), {@code data.has_more},
     * {@code data.next_after} (absent or null: empty).
     */
    record Page(List<Message> messages, boolean hasMore, OptionalLong nextAfter) {

        static Page parse(byte[] json) throws IOException {
            JsonNode data = JSON.readTree(json).path("data");
            JsonNode listed = data.path("messages");
            if (!listed.isArray() || !data.path("has_more").isBoolean()) {
                throw new IOException("the catch-up page has no data.messages or data.has_more");
            }
            List<Message> messages = new ArrayList<>(listed.size());
            for (JsonNode message : listed) {
                messages.add(new Message(Frames.clientIdInBody(message.path("message").asText(null)),
                        message.path("id").asLong()));
            }
            JsonNode nextAfter = data.path("next_after");
            return new Page(messages, data.path("has_more").asBoolean(),
                    nextAfter.canConvertToLong() && nextAfter.isIntegralNumber()
                            ? OptionalLong.of(nextAfter.asLong()) : OptionalLong.empty());
        }
    }
}
