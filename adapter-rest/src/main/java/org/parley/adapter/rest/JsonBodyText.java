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

import org.parley.application.error.ValidationFailed;
import org.parley.domain.WellFormedText;

/**
 * The one place where every JSON request body (register, log-in, refresh, the admin upsert, and any body added later)
 * is checked to be valid Unicode before it is bound to a request type (contract §10): a string value holding an
 * unpaired UTF-16 surrogate ({@code "\ud83d"} alone, which JSON's escapes allow) is 400 {@code validation_error} with
 * {@code errors.<field>} (its path, such as {@code fullname} or {@code a.b[2]}); a broken field name is reported
 * under {@code non_field_errors} (Django REST framework's key for errors of no single field), never echoed.
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
                throw ValidationFailed.of(NON_FIELD_ERRORS, BODY_NOT_UNICODE);
            }
            throw refused;
        }
        Optional<ValidationFailed> illFormed = firstIllFormed(tree, "");
        if (illFormed.isPresent()) {
            throw illFormed.get();
        }
    }

    /**
     * The first ill-formed string value, named by its path, or the first ill-formed field name, reported on the object
     * holding it.
     */
    private static Optional<ValidationFailed> firstIllFormed(JsonNode node, String path) {
        if (node.isTextual()) {
            return WellFormedText.isWellFormed(node.textValue()) ? Optional.empty()
                    : Optional.of(ValidationFailed.of(path, NOT_UNICODE));
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!WellFormedText.isWellFormed(field.getKey())) {
                    return Optional.of(ValidationFailed.of(path.isEmpty() ? NON_FIELD_ERRORS : path,
                            FIELD_NAME_NOT_UNICODE));
                }
                Optional<ValidationFailed> inside = firstIllFormed(field.getValue(),
                        path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<ValidationFailed> inside = firstIllFormed(node.get(i), path + "[" + i + "]");
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
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
