package org.parley.adapter.websocket;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.parley.domain.WellFormedText;

/**
 * The check that every text of a frame is acceptable, made once on the parsed frame before any action sees it, so
 * that no field, today's or a later one, can let such text through to storage or to a frame:
 * <ul>
 *   <li>valid Unicode (contract §10): no unpaired UTF-16 surrogate, which the UTF-8 encoder of every outgoing frame
 *       would fail on;</li>
 *   <li>no NUL character (U+0000): PostgreSQL cannot store it in text, and Django REST framework (the seed's
 *       backend) refuses it ("Null characters are not allowed."). Other control characters are accepted, as the seed
 *       accepts them; JSON escapes them on the way out.</li>
 * </ul>
 */
final class FrameText {

    static final String NOT_UNICODE = " is not valid Unicode (it holds an unpaired UTF-16 surrogate)";

    private FrameText() {
    }

    /**
     * What is wrong with the first refused text of {@code frame}, as a sentence naming where it is (the path of a
     * string value, such as {@code message_body} or {@code a.b[2]}, or "A field name"), never quoting the text; empty
     * when every string value and field name is acceptable.
     */
    static Optional<String> firstRefused(JsonNode frame) {
        return Optional.ofNullable(firstRefused(frame, ""));
    }

    /**
     * {@link #firstRefused(JsonNode)}'s sentence, or {@code null}. Nothing is allocated for an acceptable frame but the
     * iterators over its objects' fields and the paths of nested values: it runs on every frame a client sends.
     */
    private static String firstRefused(JsonNode node, String path) {
        if (node.isTextual()) {
            String problem = problemWith(node.textValue());
            return problem == null ? null : path + problem;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String inName = problemWith(field.getKey());
                if (inName != null) {
                    return (path.isEmpty() ? "A field name" : "A field name in " + path) + inName;
                }
                JsonNode value = field.getValue();
                if (value.isContainerNode() || value.isTextual()) {
                    String inside = firstRefused(value,
                            path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                    if (inside != null) {
                        return inside;
                    }
                }
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String inside = firstRefused(node.get(i), path + "[" + i + "]");
                if (inside != null) {
                    return inside;
                }
            }
        }
        return null;
    }

    /** The end of the sentence saying what is wrong with {@code text}, or {@code null}. */
    private static String problemWith(String text) {
        if (!WellFormedText.isWellFormed(text)) {
            return NOT_UNICODE;
        }
        return text.indexOf('\0') >= 0 ? " holds a null character (U+0000), which is not allowed" : null;
    }

    /**
     * Whether Jackson refused the frame because of an unpaired surrogate rather than a syntax error: it refuses one in
     * a field name itself ("Broken surrogate pair in field name …", "Unexpected low surrogate …"). Only the part of its
     * message before the first quote is looked at, since Jackson quotes the client's own text ('…') after it.
     */
    static boolean isUnpairedSurrogateRefusal(JsonProcessingException failure) {
        String message = failure.getOriginalMessage();
        if (message == null) {
            return false;
        }
        int quote = message.indexOf('\'');
        return (quote < 0 ? message : message.substring(0, quote)).toLowerCase(Locale.ROOT)
                .contains("surrogate");
    }
}
