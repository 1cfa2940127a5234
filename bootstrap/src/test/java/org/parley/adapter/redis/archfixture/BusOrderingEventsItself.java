package org.parley.adapter.redis.archfixture;

import org.parley.application.cluster.ConversationOrder;

/** Deliberately wrong (architecture-rule fixture): the bus reaching the conversation order around its ports. */
public class BusOrderingEventsItself {
    public Object settings() {
        return ConversationOrder.Settings.defaults();
    }
}
