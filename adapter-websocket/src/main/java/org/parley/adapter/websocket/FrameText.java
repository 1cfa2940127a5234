package org.parley.adapter.websocket;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.parley.domain.WellFormedText;

/**
 * The check that every text of a frame is valid Unicode (contract §10), made once on the parsed frame before any
 * action sees it, so that no field, today's or a later one, can let an unpaired UTF-16 surrogate through to storage or
 * to a frame (where the UTF-8 encoder would fail on it).
 */
final class FrameText {

    private FrameText() {
    }

    /**
     * Where the first text of {@code frame} that is not valid Unicode sits: the path of a string value
     * ({@code message_body}, {@code a.b[2]}), or "A field name" when a key is broken (never the text itself); empty
     * when every string value and field name is well-formed.
     */
    static Optional<String> firstIllFormed(JsonNode frame) {
        return firstIllFormed(frame, "");
    }

    private static Optional<String> firstIllFormed(JsonNode node, String path) {
        if (node.isTextual()) {
            return WellFormedText.isWellFormed(node.textValue()) ? Optional.empty() : Optional.of(path);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!WellFormedText.isWellFormed(field.getKey())) {
                    return Optional.of(path.isEmpty() ? "A field name" : "A field name in " + path);
                }
                Optional<String> inside = firstIllFormed(field.getValue(),
                        path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> inside = firstIllFormed(node.get(i), path + "[" + i + "]");
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
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
