package org.parley.application.error;

/** An upload is larger than the configured maximum; nothing of it was kept. */
public final class TooLarge extends UseCaseFailure {

    private final long maxBytes;

    public TooLarge(long maxBytes) {
        super("The file is too large (at most " + maxBytes + " bytes)");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.tooLarge(this);
    }
}
