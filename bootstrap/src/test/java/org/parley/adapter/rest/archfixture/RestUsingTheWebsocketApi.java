package org.parley.adapter.rest.archfixture;

import jakarta.websocket.Session;

/** Deliberately wrong (architecture-rule fixture): the websocket API outside the websocket adapter. */
public class RestUsingTheWebsocketApi {
    public String idOf(Session session) {
        return session.getId();
    }
}
