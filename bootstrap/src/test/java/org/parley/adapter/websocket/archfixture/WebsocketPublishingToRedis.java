package org.parley.adapter.websocket.archfixture;

import io.lettuce.core.RedisClient;

/** Deliberately wrong (architecture-rule fixture): the websocket adapter talking to Redis itself. */
public class WebsocketPublishingToRedis {
    public Object client() {
        return RedisClient.create("redis://127.0.0.1:6379/0");
    }
}
