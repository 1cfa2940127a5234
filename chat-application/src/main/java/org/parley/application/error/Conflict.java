package org.parley.application.error;

import java.util.Objects;

import org.parley.domain.RuleSubject;

/** The request clashes with existing state, such as an e-mail address already in use; {@link #subject()} says which. */
public final class Conflict extends UseCaseFailure {

    private final RuleSubject subject;

    public Conflict(RuleSubject subject, String message) {
        super(message);
        this.subject = Objects.requireNonNull(subject, "subject");
    }

    public static Conflict emailTaken() {
        return new Conflict(RuleSubject.EMAIL, "A user with this e-mail address already exists");
    }

    /** What clashes: {@link RuleSubject#EMAIL} or {@link RuleSubject#USER_ID}. */
    public RuleSubject subject() {
        return subject;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.conflict(this);
    }
}
