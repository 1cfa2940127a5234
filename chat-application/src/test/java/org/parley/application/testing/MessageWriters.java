package org.parley.application.testing;

import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;

/**
 * {@link MessageWriter}s as tests start them: no webhook events, no metrics, and unless a test says otherwise
 * batches of at most 100 messages and room for 1,000 waiting. The caller closes the writer.
 */
public final class MessageWriters {

    private MessageWriters() {
    }

    /** A writer storing to {@code messages} and delivering to {@code delivery}, with the test defaults. */
    public static MessageWriter start(MessageRepository messages, EventDelivery delivery) {
        return start(messages, delivery, 100, 1_000);
    }

    /** A writer with at most {@code maxBatchSize} messages a transaction and {@code queueCapacity} waiting. */
    public static MessageWriter start(MessageRepository messages, EventDelivery delivery, int maxBatchSize,
                                      int queueCapacity) {
        return new MessageWriter(messages, false, delivery, maxBatchSize, queueCapacity, ChatMetrics.none());
    }
}
