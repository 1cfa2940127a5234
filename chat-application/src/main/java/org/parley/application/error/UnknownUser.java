package org.parley.application.error;

/** A user named in the request (a receiver, a conversation partner) does not exist or cannot be talked to. */
public final class UnknownUser extends UseCaseFailure {

    public UnknownUser() {
        super("Invalid receipient");
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.unknownUser(this);
    }
}
