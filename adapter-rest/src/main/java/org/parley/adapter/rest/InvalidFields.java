package org.parley.adapter.rest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request fields that the REST adapter itself refuses before any use case runs (a query parameter that is not a
 * number, a form part that is not UTF-8, a JSON value holding a NUL …), named as this API's clients name them: a body
 * field's path ({@code fullname}, {@code extra.tags[1]}), a query parameter, a form part's field name, or
 * {@code non_field_errors}. Answered 400 {@code validation_error} with {@code errors} = {@link #errors()}, in the
 * order given.
 */
final class InvalidFields extends RuntimeException {

    private final Map<String, List<String>> errors;

    InvalidFields(String message, Map<String, List<String>> errors) {
        super(message, null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid fields name at least one field");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        errors.forEach((field, problems) -> copy.put(field, List.copyOf(problems)));
        this.errors = Collections.unmodifiableMap(copy);
    }

    /** One field with one problem, which is also the message. */
    static InvalidFields of(String field, String problem) {
        return new InvalidFields(problem, Map.of(field, List.of(problem)));
    }

    Map<String, List<String>> errors() {
        return errors;
    }
}
