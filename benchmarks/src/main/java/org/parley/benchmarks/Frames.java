package org.parley.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** The seed's websocket frames the benchmark sends and reads. The message body names the message's client id. */
final class Frames {

    static final String BODY_PREFIX = "bench ";
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final Incoming UNREADABLE = new Incoming("?", null, 0, null);

    private Frames() {
    }

    /**
     * A {@code text_message} frame, as the UTF-8 bytes that go on the wire. Written with Jackson's streaming generator:
     * the tool shares the machine's CPUs with the server it measures, so every frame it builds or reads should cost as
     * little as it can.
     */
    static byte[] textMessage(String receiverId, String clientMsgId) {
        return textMessage(receiverId, clientMsgId, 0);
    }

    /**
     * A {@code text_message} frame whose body is at least {@code bodyChars} long: {@code bench <client id>}, then a
     * space and as many {@code x} as it takes (the abuse mode's large messages).
     */
    static byte[] textMessage(String receiverId, String clientMsgId, int bodyChars) {
        String body = BODY_PREFIX + clientMsgId;
        if (body.length() < bodyChars) {
            body = body + " " + "x".repeat(Math.max(0, bodyChars - body.length() - 1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(192 + body.length());
        try (JsonGenerator frame = JSON_FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            frame.writeStartObject();
            frame.writeStringField("action", "text_message");
            frame.writeStringField("message_body", body);
            frame.writeStringField("receiver_id", receiverId);
            frame.writeStringField("client_msg_id", clientMsgId);
            frame.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Parses an incoming frame (UTF-8 JSON) with Jackson's streaming parser, reading only the top-level fields the
     * benchmark needs; a frame that is not a JSON object becomes an {@link Incoming} with action {@code "?"}.
     */
    static Incoming parse(InputStream utf8Json) {
        String action = null;
        String clientMsgId = null;
        String body = null;
        long createdMsgId = 0;
        String code = null;
        try (JsonParser parser = JSON_FACTORY.createParser(utf8Json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return UNREADABLE;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "action" -> action = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "client_msg_id" -> clientMsgId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "message" -> body = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "created_msg_id" -> createdMsgId = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                    case "code" -> code = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
        if (clientMsgId == null && "re_message".equals(action)) {
            clientMsgId = clientIdInBody(body);
        }
        return new Incoming(action == null ? "?" : action, clientMsgId, createdMsgId, code);
    }

    /** The client id a body the benchmark wrote names ({@code bench <client id>[ x…]}); null for any other body. */
    static String clientIdInBody(String body) {
        if (body == null || !body.startsWith(BODY_PREFIX)) {
            return null;
        }
        int end = body.indexOf(' ', BODY_PREFIX.length());
        return body.substring(BODY_PREFIX.length(), end < 0 ? body.length() : end);
    }

    /**
     * A frame from the server. For a {@code re_message} {@code clientMsgId} is read from the body the benchmark wrote.
     */
    record Incoming(String action, String clientMsgId, long createdMsgId, String errorCode) {
    }
}
