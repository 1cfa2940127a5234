package org.parley.adapter.rest;

/** A body that is not well-formed {@code multipart/form-data}; answered 400 {@code bad_request}. */
final class MalformedMultipart extends RuntimeException {

    MalformedMultipart(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
