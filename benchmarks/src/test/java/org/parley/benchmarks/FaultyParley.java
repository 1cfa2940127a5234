package org.parley.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A tiny stand-in for Parley that misbehaves on purpose: the {@link ReferenceRelay} (admin upsert, token-checked
 * websocket handshake, {@code text_message} → {@code conf_message} to the sender's connections and {@code re_message}
 * to the receiver's, increasing {@code created_msg_id}s) with {@link ReferenceRelay.Copies} that are wrong for one
 * message per {@link Fault}, counted in the order the server reads them: the third ({@link Fault#LOSE_DELIVERY}), the
 * fifth ({@link Fault#DUPLICATE_DELIVERY}), the seventh ({@link Fault#STORE_TWICE}). With no fault it is the correct
 * relay, except that it keeps its messages in memory.
 *
 * <p>For the storm mode, through the relay's other seams: {@link ReferenceRelay.Ids} stores every message under its
 * id, and {@link ReferenceRelay.Route} lists a conversation ({@code GET /chat/messages/<uid>/?after=&limit=} with a
 * {@code Bearer} token, newest first, at most {@value #PAGE_CAP} a page, {@code has_more} and {@code next_after} as
 * docs/api.md says). It "restarts" ({@link #restart}): the relay is stopped (every connection closed, the port
 * refusing for a moment) and a new one started on the same port, with the stored messages and the id counter kept,
 * as a durable server does, or the messages forgotten, as a server that lost its data. {@link #stopDelivering} leaves
 * messages confirmed and stored but undelivered until then, as a server killed before it pushed them.
 */
final class FaultyParley implements AutoCloseable {

    /** What the server gets wrong, once each. */
    enum Fault {
        /** The third message is confirmed and never delivered. */
        LOSE_DELIVERY(3),
        /** The fifth message is confirmed once and delivered twice. */
        DUPLICATE_DELIVERY(5),
        /**
         * The seventh message is stored twice under two ids: confirmed under each, and each copy delivered (two
         * confirmations, two deliveries, two ids).
         */
        STORE_TWICE(7);

        final long messageNumber;

        Fault(long messageNumber) {
            this.messageNumber = messageNumber;
        }
    }

    /** The most messages a conversation page lists, whatever the limit asked: the tool must page with next_after. */
    static final int PAGE_CAP = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONVERSATION = Pattern.compile("/chat/messages/([0-9a-f-]{36})/");

    private final String adminKey;
    private final String jwtSecret;
    private final JWTVerifier tokens;
    private final Set<Fault> faults;
    private final int port;
    private final URI httpBase;
    private final AtomicLong createdIds = new AtomicLong(1000);
    private final AtomicLong catchUpRequests = new AtomicLong();
    private final List<Stored> stored = new ArrayList<>();
    /** Messages read and users created by the relays stopped so far (a restart starts a new one). */
    private final AtomicLong readBefore = new AtomicLong();
    private final AtomicLong usersBefore = new AtomicLong();
    private volatile ReferenceRelay relay;
    private volatile boolean delivering = true;

    FaultyParley(String adminKey, String jwtSecret, Set<Fault> faults) throws InterruptedException {
        this.adminKey = adminKey;
        this.jwtSecret = jwtSecret;
        this.tokens = JWT.require(Algorithm.HMAC256(jwtSecret)).withClaim("token_type", "access").build();
        this.faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        this.relay = startRelay(0);
        this.port = relay.httpBase().getPort();
        this.httpBase = relay.httpBase();
    }

    private ReferenceRelay startRelay(int onPort) throws InterruptedException {
        return ReferenceRelay.start(adminKey, jwtSecret, onPort, copies(), this::store, this::listing);
    }

    /** The copies of a correct relay, except for the message each fault strikes and while delivery is stopped. */
    private ReferenceRelay.Copies copies() {
        ReferenceRelay.Copies faulty = faulty(faults);
        long numberedFrom = readBefore.get();
        return new ReferenceRelay.Copies() {
            @Override
            public int ids(long messageNumber) {
                return faulty.ids(numberedFrom + messageNumber);
            }

            @Override
            public int deliveries(long messageNumber) {
                return delivering ? faulty.deliveries(numberedFrom + messageNumber) : 0;
            }
        };
    }

    /** The copies of a correct relay, except for the message each fault strikes. */
    static ReferenceRelay.Copies faulty(Set<Fault> faults) {
        Set<Fault> striking = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        return new ReferenceRelay.Copies() {
            @Override
            public int ids(long messageNumber) {
                return strikes(Fault.STORE_TWICE, messageNumber) ? 2 : 1;
            }

            @Override
            public int deliveries(long messageNumber) {
                return strikes(Fault.LOSE_DELIVERY, messageNumber) ? 0
                        : strikes(Fault.DUPLICATE_DELIVERY, messageNumber) ? 2 : 1;
            }

            private boolean strikes(Fault fault, long messageNumber) {
                return striking.contains(fault) && fault.messageNumber == messageNumber;
            }
        };
    }

    /** From now until the next {@link #comeUp}, messages are confirmed and stored but never delivered. */
    void stopDelivering() {
        delivering = false;
    }

    /**
     * Stops the relay (every connection closed), keeps the port closed for {@code downMillis} (connects are refused),
     * and starts a relay on the same port again, delivering again; {@code keepMessages} false forgets every stored
     * message (ids still increase, as a server that lost its data but not its sequence).
     */
    void restart(boolean keepMessages, long downMillis) throws InterruptedException {
        goDown(keepMessages);
        Thread.sleep(downMillis);
        comeUp();
    }

    /** The first half of a restart: stops the relay, which closes every connection (forgetting the messages or not). */
    synchronized void goDown(boolean keepMessages) {
        ReferenceRelay stopping = relay;
        if (stopping != null) {
            relay = null;
            stopping.close();
            readBefore.addAndGet(stopping.messagesRead());
            usersBefore.addAndGet(stopping.usersCreated());
        }
        if (!keepMessages) {
            synchronized (stored) {
                stored.clear();
            }
        }
    }

    /** The second half of a restart: a relay on the same port, with the same store, delivering again. */
    synchronized void comeUp() throws InterruptedException {
        if (relay != null) {
            throw new IllegalStateException("the server is up");
        }
        delivering = true;
        relay = startRelay(port);
    }

    /** Catch-up requests answered 200 so far. */
    long catchUpRequests() {
        return catchUpRequests.get();
    }

    URI httpBase() {
        return httpBase;
    }

    /** {@code text_message} frames read so far, over every restart. */
    long messagesRead() {
        ReferenceRelay running = relay;
        return readBefore.get() + (running == null ? 0 : running.messagesRead());
    }

    /** Admin upserts answered 201 so far, over every restart. */
    long usersCreated() {
        ReferenceRelay running = relay;
        return usersBefore.get() + (running == null ? 0 : running.usersCreated());
    }

    @Override
    public void close() {
        goDown(true);
    }

    /** The relay's {@link ReferenceRelay.Ids}: the next id, and the message kept under it. */
    private long store(String sender, String receiver, String body) {
        long id = createdIds.incrementAndGet();
        synchronized (stored) {
            stored.add(new Stored(id, sender, receiver, body));
        }
        return id;
    }

    /** The relay's {@link ReferenceRelay.Route}: the conversation listing, for a valid bearer token; else 404. */
    private ReferenceRelay.Answer listing(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Matcher conversation = CONVERSATION.matcher(uri.path());
        if (!request.method().equals(HttpMethod.GET) || !conversation.matches()) {
            return null;
        }
        String authorization = request.headers().get("Authorization", "");
        String reader;
        try {
            reader = tokens.verify(authorization.startsWith("Bearer ") ? authorization.substring(7) : "")
                    .getClaim("user_id").asString();
        } catch (JWTVerificationException e) {
            return new ReferenceRelay.Answer(HttpResponseStatus.UNAUTHORIZED, "{}");
        }
        long after = Long.parseLong(uri.parameters().getOrDefault("after", List.of("0")).get(0));
        int limit = Integer.parseInt(uri.parameters().getOrDefault("limit", List.of("50")).get(0));
        catchUpRequests.incrementAndGet();
        return new ReferenceRelay.Answer(HttpResponseStatus.OK, page(conversation.group(1), reader, after, limit));
    }

    /**
     * The messages from {@code other} to {@code reader} after {@code after}: the {@code limit} (at most
     * {@value #PAGE_CAP}) oldest of them, shown newest first, with {@code has_more} and {@code next_after} (the
     * page's highest id), in Parley's envelope.
     */
    private String page(String other, String reader, long after, int limit) {
        List<Stored> newer;
        synchronized (stored) {
            newer = stored.stream()
                    .filter(message -> message.sender.equals(other) && message.receiver.equals(reader)
                            && message.id > after)
                    .sorted(Comparator.comparingLong(Stored::id))
                    .toList();
        }
        List<Stored> page = newer.subList(0, Math.min(Math.min(limit, PAGE_CAP), newer.size()));
        ObjectNode data = JSON.createObjectNode();
        ArrayNode messages = data.putArray("messages");
        for (int i = page.size() - 1; i >= 0; i--) {
            Stored message = page.get(i);
            messages.addObject().put("id", message.id).put("message", message.body).put("message_type", "text");
        }
        data.put("has_more", newer.size() > page.size());
        if (page.isEmpty()) {
            data.putNull("next_after");
        } else {
            data.put("next_after", page.get(page.size() - 1).id);
        }
        ObjectNode envelope = JSON.createObjectNode().put("status", "success");
        envelope.set("data", data);
        return envelope.put("success", true).toString();
    }

    private record Stored(long id, String sender, String receiver, String body) {
    }
}
