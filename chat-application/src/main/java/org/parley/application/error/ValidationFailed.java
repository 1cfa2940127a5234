package org.parley.application.error;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.parley.domain.RuleSubject;

/**
 * The input was malformed; {@link #problems()} says what is wrong with which {@link RuleSubject} (in the subjects'
 * order, each with one or more problems, in the order found).
 */
public final class ValidationFailed extends UseCaseFailure {

    private final Map<RuleSubject, List<String>> problems;

    public ValidationFailed(String message, Map<RuleSubject, List<String>> problems) {
        super(message);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("A validation failure names at least one subject");
        }
        EnumMap<RuleSubject, List<String>> copy = new EnumMap<>(RuleSubject.class);
        problems.forEach((subject, found) -> copy.put(subject, List.copyOf(found)));
        this.problems = Collections.unmodifiableMap(copy);
    }

    public static ValidationFailed of(RuleSubject subject, String problem) {
        return new ValidationFailed(problem, Map.of(subject, List.of(problem)));
    }

    public Map<RuleSubject, List<String>> problems() {
        return problems;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.validationFailed(this);
    }
}
