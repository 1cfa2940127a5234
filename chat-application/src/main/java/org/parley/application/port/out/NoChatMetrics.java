package org.parley.application.port.out;

/** {@link ChatMetrics#none()}: every call does nothing (metrics are off). */
enum NoChatMetrics implements ChatMetrics {
    INSTANCE;

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
