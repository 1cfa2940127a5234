package org.parley.bootstrap;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;

/**
 * The rare errors that Grizzly answers itself, before or outside Jersey (a request it cannot parse, a failure inside
 * the container), get Parley's failure envelope instead of Grizzly's HTML page — and never a stack trace.
 */
final class JsonErrorPages implements ErrorPageGenerator {

    private JsonErrorPages() {
    }

    static void registerOn(HttpServer server) {
        server.getServerConfiguration().setDefaultErrorPageGenerator(new JsonErrorPages());
    }

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        request.getResponse().setContentType("application/json");
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
        String message = status >= 500 ? "Something went wrong on our side" : "The request could not be processed";
        return FailureEnvelope.of(code, message);
    }
}
