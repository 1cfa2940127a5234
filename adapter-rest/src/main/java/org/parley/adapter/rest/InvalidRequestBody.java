package org.parley.adapter.rest;

/** A request body that is not the JSON the endpoint reads; answered 400 {@code invalid_json}. */
final class InvalidRequestBody extends RuntimeException {

    InvalidRequestBody(String message) {
        super(message, null, false, false);
    }
}
