package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Load on one running server from real clients, recording every acknowledgement it gives: pairs of users (created
 * through the admin API) chat over the JDK's websocket client, each sender keeping up to {@code window} text messages
 * unconfirmed, while one more client uploads small files. Recorded: each {@code conf_message} (the sender's
 * {@code client_msg_id} and {@code created_msg_id}), each {@code re_message} id the receiver got, and each upload
 * answered 201 (its message id, signed link and bytes). Runs until {@link #stop()} or until the server goes away.
 */
final class AcknowledgedLoad {

    /** Two users of the load: the sender writes to the receiver. */
    record Pair(int index, String senderId, String receiverId) {
        String body(String clientMsgId) {
            return "crash test " + clientMsgId;
        }
    }

    /** An upload the server answered 201. */
    record Upload(Pair pair, long messageId, String link, byte[] content) {
    }

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final List<Sender> senders = new ArrayList<>();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final Map<Pair, Map<String, Long>> confirmed = new ConcurrentHashMap<>();
    private final Map<Pair, Set<Long>> received = new ConcurrentHashMap<>();
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger confirmations = new AtomicInteger();
    private final Thread uploader;
    private volatile boolean running = true;

    private AcknowledgedLoad(String wsBase, HttpApi api, List<Pair> pairs, int window) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (Pair pair : pairs) {
            confirmed.put(pair, new ConcurrentHashMap<>());
            received.put(pair, ConcurrentHashMap.newKeySet());
            sockets.add(connect(client, wsBase, pair.receiverId(), frame -> receiverGot(pair, frame)));
            Sender sender = new Sender(pair, window);
            sender.socket = connect(client, wsBase, pair.senderId(), sender::onFrame);
            sockets.add(sender.socket);
            senders.add(sender);
        }
        senders.forEach(Thread::start);
        uploader = new Thread(() -> upload(api, pairs), "load-uploads");
        uploader.setDaemon(true);
        uploader.start();
    }

    /** Creates {@code count} pairs of fresh active users through the admin API. */
    static List<Pair> createPairs(HttpApi api, int count) {
        People people = new People(api);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String sender = UUID.randomUUID().toString();
            String receiver = UUID.randomUUID().toString();
            people.upsertFromBackend(sender, "sender-" + sender + "@example.com", "Sender " + i, true);
            people.upsertFromBackend(receiver, "receiver-" + receiver + "@example.com", "Receiver " + i, true);
            pairs.add(new Pair(i, sender, receiver));
        }
        return pairs;
    }

    /** Connects every user of {@code pairs} and starts sending and uploading at once. */
    static AcknowledgedLoad start(String wsBase, HttpApi api, List<Pair> pairs, int window) {
        return new AcknowledgedLoad(wsBase, api, pairs, window);
    }

    /** {@code conf_message}s received so far, all pairs together. */
    int confirmations() {
        return confirmations.get();
    }

    int uploadsAnswered() {
        return uploads.size();
    }

    /** Stops sending and uploading, and waits for the clients' threads to end. */
    void stop() throws InterruptedException {
        running = false;
        for (Sender sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(20));
        }
        uploader.join(TimeUnit.SECONDS.toMillis(30));
        sockets.forEach(WebSocket::abort);
    }

    /** The pair's confirmed messages: {@code client_msg_id} to {@code created_msg_id}. */
    Map<String, Long> confirmed(Pair pair) {
        return Map.copyOf(confirmed.get(pair));
    }

    /** The ids of the {@code re_message}s the pair's receiver got. */
    Set<Long> received(Pair pair) {
        return Set.copyOf(received.get(pair));
    }

    List<Upload> uploads() {
        return List.copyOf(uploads);
    }

    /** Anything a well-behaved server never answers during the load (error frames, refused uploads, wrong echoes). */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** A websocket of {@code userId}'s whose whole text frames, parsed, go to {@code onFrame} (never null). */
    private WebSocket connect(HttpClient client, String wsBase, String userId, Consumer<JsonNode> onFrame) {
        URI uri = URI.create(wsBase + "/ws/chat/room/?token=" + People.mintAccess(userId));
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WholeFrames(onFrame)).join();
    }

    private void upload(HttpApi api, List<Pair> pairs) {
        Random random = new Random(42);
        for (int n = 0; running; n++) {
            Pair pair = pairs.get(n % pairs.size());
            byte[] content = new byte[1 + random.nextInt(4096)];
            random.nextBytes(content);
            HttpApi.Reply reply;
            try {
                reply = new Multipart()
                        .field("receiver", pair.receiverId())
                        .field("message", "upload " + n)
                        .file("attached_file", "crash-" + n + ".bin", content)
                        .post(api, People.mintAccess(pair.senderId()));
            } catch (UncheckedIOException serverGone) {
                return;
            }
            if (reply.status() == 201) {
                JsonNode message = reply.json().get("entity").get("message");
                uploads.add(new Upload(pair, message.get("id").asLong(), message.get("attached_file").asText(), content));
            } else if (running) {
                unexpected.add("upload answered " + reply.status() + ": " + reply.raw());
            }
        }
    }

    /** Parses a whole text frame, or records it as unexpected. */
    private JsonNode parse(CharSequence text) {
        try {
            return HttpApi.JSON.readTree(text.toString());
        } catch (IOException e) {
            unexpected.add("not JSON: " + text);
            return null;
        }
    }

    /** Keeps up to {@code window} messages unconfirmed; its listener counts confirmations in and frees the window. */
    private final class Sender extends Thread {
        private final Pair pair;
        private final Semaphore window;
        private volatile WebSocket socket;

        Sender(Pair pair, int window) {
            super("load-sender-" + pair.index());
            setDaemon(true);
            this.pair = pair;
            this.window = new Semaphore(window);
        }

        @Override
        public void run() {
            for (int sequence = 0; running; ) {
                try {
                    if (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    String clientMsgId = "p" + pair.index() + "-" + sequence++;
                    String frame = HttpApi.JSON.writeValueAsString(
                            Frames.text(pair.receiverId(), pair.body(clientMsgId), clientMsgId));
                    socket.sendText(frame, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException serverGone) {
                    return;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Counts a confirmation in and frees the window. */
        void onFrame(JsonNode frame) {
            if ("conf_message".equals(frame.path("action").asText())) {
                String clientMsgId = frame.path("client_msg_id").asText();
                if (!pair.body(clientMsgId).equals(frame.path("message").asText())) {
                    unexpected.add("conf_message with another text than sent: " + frame);
                }
                confirmed.get(pair).put(clientMsgId, frame.get("created_msg_id").asLong());
                confirmations.incrementAndGet();
                window.release();
            } else if (!isPresence(frame)) {
                unexpected.add("sender got " + frame);
            }
        }
    }

    /** Records the id of every {@code re_message} of {@code pair}'s receiver. */
    private void receiverGot(Pair pair, JsonNode frame) {
        if ("re_message".equals(frame.path("action").asText())) {
            received.get(pair).add(frame.get("created_msg_id").asLong());
        } else if (!isPresence(frame)) {
            unexpected.add("receiver got " + frame);
        }
    }

    /** Puts each text frame together, parses it (or records it as unexpected) and hands it on; binary is ignored. */
    private final class WholeFrames implements WebSocket.Listener {
        private final Consumer<JsonNode> onFrame;
        private final StringBuilder partial = new StringBuilder();

        WholeFrames(Consumer<JsonNode> onFrame) {
            this.onFrame = onFrame;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode frame = parse(partial);
                partial.setLength(0);
                if (frame != null) {
                    onFrame.accept(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }
    }

    /** A partner's presence (contract §13) may reach either side at any time: not an answer to the load. */
    private static boolean isPresence(JsonNode frame) {
        return "presence".equals(frame.path("action").asText());
    }
}
