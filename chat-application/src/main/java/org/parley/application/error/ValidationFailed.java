package org.parley.application.error;

import java.util.List;
import java.util.Map;

/** The input was malformed; {@link #fieldErrors()} says what is wrong with which field. */
public final class ValidationFailed extends UseCaseFailure {

    private final Map<String, List<String>> fieldErrors;

    public ValidationFailed(String message, Map<String, List<String>> fieldErrors) {
        super(message);
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public static ValidationFailed of(String field, String problem) {
        return new ValidationFailed(problem, Map.of(field, List.of(problem)));
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }
}
