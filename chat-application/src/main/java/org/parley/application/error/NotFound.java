package org.parley.application.error;

/** The thing asked for does not exist, or the caller may not see it (the two are indistinguishable on purpose). */
public final class NotFound extends UseCaseFailure {

    public NotFound(String message) {
        super(message);
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.notFound(this);
    }
}
