package org.parley.adapter.websocket;

import java.util.concurrent.CompletableFuture;

import org.parley.application.error.NotFound;
import org.parley.application.port.in.SendTextMessage;

/** Use cases for tests of text frames alone: every other action finds nothing, a profile share never completes. */
final class TextOnlyUseCases {

    private TextOnlyUseCases() {
    }

    static WebSocketUseCases sending(SendTextMessage sendText) {
        return new WebSocketUseCases(sendText,
                command -> {
                    throw new NotFound("none");
                },
                command -> new CompletableFuture<>(),
                command -> {
                    throw new NotFound("none");
                },
                command -> {
                    throw new NotFound("none");
                },
                command -> {
                    throw new NotFound("none");
                });
    }
}
