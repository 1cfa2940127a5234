package org.parley.adapter.persistence;

import java.util.Locale;
import java.util.Optional;

import org.hibernate.exception.ConstraintViolationException;

/**
 * Recognises a failure caused by one of the schema's named unique constraints (or primary keys), wherever Hibernate
 * wrapped it. H2 and PostgreSQL report the violated constraint differently (H2 with its index name, e.g.
 * {@code PUBLIC.UQ_USERS_EMAIL_NORMALIZED_INDEX_4}), so names are matched ignoring case as a part of what is reported.
 */
final class UniqueViolation {

    private static final String UNIQUE_VIOLATION_STATE = "23505";

    private UniqueViolation() {
    }

    /** Whether {@code failure} is a violation of the unique constraint or primary key named {@code constraint}. */
    static boolean of(Throwable failure, String constraint) {
        return violation(failure)
                .filter(UniqueViolation::isUnique)
                .map(violation -> mentions(violation, constraint))
                .orElse(false);
    }

    /** PostgreSQL's dialect leaves the kind unset, so the standard SQL state of a unique violation decides too. */
    private static boolean isUnique(ConstraintViolationException violation) {
        return violation.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE
                || UNIQUE_VIOLATION_STATE.equals(violation.getSQLState());
    }

    private static boolean mentions(ConstraintViolationException violation, String constraint) {
        String needle = constraint.toLowerCase(Locale.ROOT);
        String name = violation.getConstraintName();
        if (name != null && name.toLowerCase(Locale.ROOT).contains(needle)) {
            return true;
        }
        String message = violation.getSQLException() == null ? null : violation.getSQLException().getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static Optional<ConstraintViolationException> violation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation) {
                return Optional.of(violation);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
