package org.parley.adapter.rest;

/**
 * A request body of a media type the endpoint does not read; answered 415 {@code unsupported_media_type} with a
 * message naming the type it does read.
 */
final class UnsupportedBodyType extends RuntimeException {

    UnsupportedBodyType(String received, String expected) {
        super("Unsupported media type \"" + received + "\" in request: send " + expected + ".", null, false, false);
    }
}
