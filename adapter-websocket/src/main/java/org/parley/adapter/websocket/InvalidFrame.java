package org.parley.adapter.websocket;

/**
 * A frame whose fields the websocket adapter itself refuses before any use case runs (a field the action needs is
 * missing or not a string, a user id field is not a UUID, a {@code client_msg_id} is not a string); its message names
 * the field as frames spell it. Answered with a {@code validation_error} frame.
 */
final class InvalidFrame extends RuntimeException {

    InvalidFrame(String message) {
        super(message, null, false, false);
    }
}
