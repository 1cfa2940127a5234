package org.parley.application.testing;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.parley.application.port.out.MessageDelivery;
import org.parley.application.port.out.OutboundMessage;

/** {@link MessageDelivery} that keeps every outbound message, in order, for tests to inspect. Thread-safe. */
public final class RecordingMessageDelivery implements MessageDelivery {

    private final List<OutboundMessage> delivered = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(OutboundMessage outbound) {
        delivered.add(Objects.requireNonNull(outbound, "outbound"));
    }

    /** Everything delivered so far, oldest first (a snapshot). */
    public List<OutboundMessage> delivered() {
        return List.copyOf(delivered);
    }

    /** The single message delivered so far; fails when there were none or several. */
    public OutboundMessage single() {
        List<OutboundMessage> snapshot = delivered();
        if (snapshot.size() != 1) {
            throw new AssertionError("Expected exactly one delivery, got " + snapshot.size());
        }
        return snapshot.get(0);
    }

    public void clear() {
        delivered.clear();
    }
}
