package org.parley.application.error;

/** The base of every failure a use case reports on purpose. Its message is safe to show to the caller. */
public abstract class UseCaseFailure extends RuntimeException {

    protected UseCaseFailure(String message) {
        super(message, null, false, false);
    }
}
