package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * Hostile review of GuardedEngine's query removal: once a connection authenticated with {@code ?token=} is open, no
 * object reachable from its session (through fields, maps, collections and arrays) holds the token, except the test
 * server's own token table.
 */
class TokenReachabilityTest {

    @Test
    void theTokenIsReachableFromTheSessionOnlyThroughTheServersTokenTable() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            String token = "token-alice";
            try (WsClient a = server.connect(alice)) {
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == 1, "registered");
                jakarta.websocket.Session session = server.connections.of(alice.id()).iterator().next().session();
                List<String> paths = pathsTo(session, token, Set.of(server.tokens));
                assertThat(paths).as("paths from the session to the token").isEmpty();
                // The walk does reach the server: through its token table, the token is found.
                assertThat(pathsTo(session, token, Set.of())).as("the walk reaches the token table").isNotEmpty();
            }
        }
    }

    @Test
    void aBearerTokenIsNotKeptEither() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            String token = "token-alice";
            java.net.URI plain = java.net.URI.create("ws://127.0.0.1:" + server.port + "/ws/chat/room/");
            try (WsClient a = WsClient.connect(plain, Map.of("Authorization", "Bearer " + token))) {
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == 1, "registered");
                jakarta.websocket.Session session = server.connections.of(alice.id()).iterator().next().session();
                assertThat(pathsTo(session, token, Set.of(server.tokens))).as("paths to the token").isEmpty();
            }
        }
    }

    /** Paths from {@code root} to a String, char[] or byte[] containing {@code needle}, not entering {@code skip}. */
    static List<String> pathsTo(Object root, String needle, Set<Object> skip) {
        Map<Object, String> seen = new IdentityHashMap<>();
        Set<Object> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
        skipped.addAll(skip);
        Deque<Object> queue = new ArrayDeque<>();
        seen.put(root, "session");
        queue.add(root);
        List<String> found = new ArrayList<>();
        byte[] needleBytes = needle.getBytes(StandardCharsets.UTF_8);
        while (!queue.isEmpty() && seen.size() < 2_000_000) {
            Object o = queue.poll();
            String path = seen.get(o);
            if (o instanceof String s) {
                if (s.contains(needle)) {
                    found.add(path);
                }
                continue;
            }
            if (o instanceof char[] chars) {
                if (new String(chars).contains(needle)) {
                    found.add(path);
                }
                continue;
            }
            if (o instanceof byte[] bytes) {
                if (indexOf(bytes, needleBytes)) {
                    found.add(path);
                }
                continue;
            }
            if (o instanceof Class<?> || o instanceof ClassLoader || o instanceof Thread
                    || o instanceof java.lang.ref.Reference<?> || o instanceof java.net.URI && false) {
                continue;
            }
            if (o instanceof java.net.URI uri) {
                visit(uri.toString(), path + ".toString()", seen, queue, skipped);
                continue;
            }
            if (o instanceof Map<?, ?> map) {
                try {
                    for (Map.Entry<?, ?> e : List.copyOf(map.entrySet())) {
                        visit(e.getKey(), path + "{key}", seen, queue, skipped);
                        visit(e.getValue(), path + "[" + e.getKey() + "]", seen, queue, skipped);
                    }
                } catch (RuntimeException ignored) {
                    // a map that cannot be read from here
                }
            } else if (o instanceof Collection<?> collection) {
                try {
                    for (Object e : List.copyOf(collection.stream().filter(x -> x != null).toList())) {
                        visit(e, path + "[*]", seen, queue, skipped);
                    }
                } catch (RuntimeException ignored) {
                    // a collection that cannot be read from here
                }
            } else if (o.getClass().isArray()) {
                if (!o.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        visit(Array.get(o, i), path + "[" + i + "]", seen, queue, skipped);
                    }
                }
                continue;
            }
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        visit(f.get(o), path + "." + f.getName(), seen, queue, skipped);
                    } catch (RuntimeException | IllegalAccessException notOpen) {
                        // JDK internals not opened to this module: maps and collections are read above
                    }
                }
            }
        }
        return found;
    }

    private static void visit(Object o, String path, Map<Object, String> seen, Deque<Object> queue, Set<Object> skip) {
        if (o != null && !skip.contains(o) && !seen.containsKey(o)) {
            seen.put(o, path);
            queue.add(o);
        }
    }

    private static boolean indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
