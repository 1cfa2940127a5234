package org.parley.application.testing;

import org.parley.application.port.out.ChatMetrics;

/**
 * Metrics that ignore every call, for a test's spy to extend and override only what it records. Not
 * {@link ChatMetrics#none()}: a spy must be another instance, since a writer given {@code none()} reads no clock.
 */
public abstract class IgnoringChatMetrics implements ChatMetrics {

    @Override
    public void handshake(Handshake outcome) {
    }

    @Override
    public void frameIn(FrameIn action) {
    }

    @Override
    public void framesOut(FrameOut action, int count) {
    }

    @Override
    public void batchCommitted(int stored, int drafts, long commitNanos) {
    }

    @Override
    public void delivered(long nanosSinceCommit) {
    }

    @Override
    public void refused(Limit limit) {
    }

    @Override
    public void slowConsumerClosed() {
    }
}
