package org.parley.adapter.websocket.archfixture;

import io.micrometer.core.instrument.Counter;

/** Deliberately wrong (architecture-rule fixture): the websocket adapter counting with Micrometer itself. */
public class WebsocketCountingWithMicrometer {
    public void frameIn(Counter frames) {
        frames.increment();
    }
}
