package org.parley.bootstrap.e2e;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Frame builders and wire-format expectations shared by the end-to-end tests. */
final class Frames {

    /** Websocket frame timestamps: microseconds and {@code +00:00}, as in the seed. */
    static final Pattern WS_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
    /** REST timestamps: microseconds and {@code Z}, as in the seed. */
    static final Pattern REST_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

    private Frames() {
    }

    static Map<String, Object> text(String receiverId, String body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("action", "text_message");
        frame.put("message_body", body);
        frame.put("receiver_id", receiverId);
        return frame;
    }

    static Map<String, Object> text(String receiverId, String body, String clientMsgId) {
        Map<String, Object> frame = text(receiverId, body);
        frame.put("client_msg_id", clientMsgId);
        return frame;
    }

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new HashSet<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        return keys;
    }

    /** Every object key anywhere in {@code node}. */
    static Set<String> allKeys(JsonNode node) {
        Set<String> keys = new HashSet<>();
        collect(node, keys);
        return keys;
    }

    private static void collect(JsonNode node, Set<String> keys) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(entry -> {
                keys.add(entry.getKey());
                collect(entry.getValue(), keys);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, keys));
        }
    }
}
