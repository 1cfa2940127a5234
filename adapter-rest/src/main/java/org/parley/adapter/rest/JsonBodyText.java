package org.parley.adapter.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import org.parley.domain.WellFormedText;

/**
 * The one place where every JSON request body (register, log-in, refresh, the admin upsert, and any body added later)
 * has its text checked before it is bound to a request type, string values and field names alike:
 * <ul>
 *   <li>valid Unicode (contract §10): no unpaired UTF-16 surrogate ({@code "\ud83d"} alone, which JSON's escapes
 *       allow);</li>
 *   <li>no NUL character (U+0000), which PostgreSQL cannot store in text; Django REST framework refuses it with the
 *       same words ("Null characters are not allowed.").</li>
 * </ul>
 * Refused text is 400 {@code validation_error} with {@code errors.<field>} (its path, such as {@code fullname} or
 * {@code a.b[2]}); a refused field name is reported under its object's path, and a refused field name of the top
 * object or a body that is itself a refused string under {@code non_field_errors} (Django REST framework's key for
 * errors of no single field); the text itself is never echoed.
 *
 * <p>The body (at most {@link RequestBodyLimit#MAX_JSON_BODY_BYTES}, which that filter enforces while this reads) is
 * read once into memory, parsed into a tree with the API's own mapper (so it is refused exactly as the binding would
 * refuse it: malformed, trailing text, duplicate keys are 400 {@code invalid_json}), checked, and handed on unchanged.
 */
@Priority(Priorities.ENTITY_CODER)
final class JsonBodyText implements ReaderInterceptor {

    static final String NON_FIELD_ERRORS = "non_field_errors";
    static final String NOT_UNICODE = "Not valid Unicode: the text holds an unpaired UTF-16 surrogate.";
    static final String FIELD_NAME_NOT_UNICODE =
            "A field name is not valid Unicode: it holds an unpaired UTF-16 surrogate.";
    static final String NULL_CHARACTER = "Null characters are not allowed.";
    static final String BODY_NOT_UNICODE = "The body holds text that is not valid Unicode (an unpaired UTF-16 "
            + "surrogate, escaped in a field name or encoded in UTF-8).";

    private final ObjectMapper mapper;

    JsonBodyText(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!isJson(context.getMediaType()) || InputStream.class.isAssignableFrom(context.getType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        context.setInputStream(new ByteArrayInputStream(body));
        if (body.length > 0) {
            check(body);
        }
        return context.proceed();
    }

    private void check(byte[] body) throws IOException {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException refused) {
            if (isUnpairedSurrogateRefusal(refused)) {
                throw InvalidFields.of(NON_FIELD_ERRORS, BODY_NOT_UNICODE);
            }
            throw refused;
        }
        Optional<InvalidFields> refused = firstRefused(tree, "");
        if (refused.isPresent()) {
            throw refused.get();
        }
    }

    /** The first refused string value, named by its path, or the first refused field name, on the object holding it. */
    private static Optional<InvalidFields> firstRefused(JsonNode node, String path) {
        if (node.isTextual()) {
            return problemWith(node.textValue(), NOT_UNICODE)
                    .map(problem -> InvalidFields.of(path.isEmpty() ? NON_FIELD_ERRORS : path, problem));
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Optional<InvalidFields> inName = problemWith(field.getKey(), FIELD_NAME_NOT_UNICODE)
                        .map(problem -> InvalidFields.of(path.isEmpty() ? NON_FIELD_ERRORS : path, problem));
                if (inName.isPresent()) {
                    return inName;
                }
                Optional<InvalidFields> inside = firstRefused(field.getValue(),
                        path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<InvalidFields> inside = firstRefused(node.get(i), path + "[" + i + "]");
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problemWith(String text, String notUnicode) {
        if (!WellFormedText.isWellFormed(text)) {
            return Optional.of(notUnicode);
        }
        return text.indexOf('\0') >= 0 ? Optional.of(NULL_CHARACTER) : Optional.empty();
    }

    /**
     * Whether Jackson refused the body because of an unpaired surrogate rather than a syntax error: it refuses one in
     * a field name itself ("Broken surrogate pair in field name …", "Unexpected low surrogate …") and one encoded
     * directly in UTF-8 ("Invalid UTF-8: Illegal surrogate character …"). Only the part of its message before the
     * first quote is looked at, since Jackson quotes the client's own text ('…') after it.
     */
    static boolean isUnpairedSurrogateRefusal(JsonProcessingException failure) {
        String message = failure.getOriginalMessage();
        if (message == null) {
            return false;
        }
        int quote = message.indexOf('\'');
        return (quote < 0 ? message : message.substring(0, quote)).toLowerCase(Locale.ROOT).contains("surrogate");
    }

    private static boolean isJson(MediaType type) {
        return type != null && (MediaType.APPLICATION_JSON_TYPE.isCompatible(type)
                || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
    }
}
