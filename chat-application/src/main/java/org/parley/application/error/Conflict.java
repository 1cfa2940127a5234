package org.parley.application.error;

/** The request clashes with existing state, such as an e-mail address already in use. */
public final class Conflict extends UseCaseFailure {

    private final String field;

    public Conflict(String field, String message) {
        super(message);
        this.field = field;
    }

    public static Conflict emailTaken() {
        return new Conflict("email", "A user with this e-mail address already exists");
    }

    public String field() {
        return field;
    }
}
