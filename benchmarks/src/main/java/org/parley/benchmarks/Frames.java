package org.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The seed's websocket frames the benchmark sends and reads. The message body names the message's client id. */
final class Frames {

    static final String BODY_PREFIX = "bench ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    static String textMessage(String receiverId, String clientMsgId) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("action", "text_message");
        frame.put("message_body", BODY_PREFIX + clientMsgId);
        frame.put("receiver_id", receiverId);
        frame.put("client_msg_id", clientMsgId);
        return frame.toString();
    }

    /** Parses an incoming frame; a frame that is not JSON becomes an {@link Incoming} with action {@code "?"}. */
    static Incoming parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            String action = node.path("action").asText("?");
            String clientMsgId = node.path("client_msg_id").asText(null);
            String body = node.path("message").asText(null);
            if (clientMsgId == null && "re_message".equals(action) && body != null && body.startsWith(BODY_PREFIX)) {
                clientMsgId = body.substring(BODY_PREFIX.length());
            }
            return new Incoming(action, clientMsgId, node.path("created_msg_id").asLong(0),
                    node.path("code").asText(null));
        } catch (Exception e) {
            return new Incoming("?", null, 0, null);
        }
    }

    /**
     * A frame from the server. For a {@code re_message} {@code clientMsgId} is read from the body the benchmark wrote.
     */
    record Incoming(String action, String clientMsgId, long createdMsgId, String errorCode) {
    }
}
