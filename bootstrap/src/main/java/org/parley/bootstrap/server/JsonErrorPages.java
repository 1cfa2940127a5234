package org.parley.bootstrap.server;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;

/**
 * The rare errors that Grizzly answers itself, outside Jersey's exception mappers (a failure inside the container),
 * get Parley's failure envelope instead of Grizzly's HTML page — and never a stack trace.
 *
 * <p>Works around: Grizzly's {@code DefaultErrorPageGenerator.generate} answers every error page but 404 with
 * {@code HtmlHelper.getExceptionErrorPage}, an HTML page that prints the exception's stack trace. Grizzly uses the
 * server's default generator when a handler throws ({@code HttpHandler.doHandle} and its worker-thread path), for its
 * own refusals in {@code HttpServerFilter.handleRead} (413 above the maximum post size, 503 while shutting down), and
 * for {@code Response.sendError}, which Jersey's container calls when a request fails past its mappers
 * ({@code GrizzlyHttpContainer.ResponseWriter.failure}: {@code sendError(500, "Request failed.")}).
 *
 * <p>Checked on Grizzly 4.0.2, Jersey 3.1.12. Proved by {@code JsonErrorPagesTest} (a handler that throws, and one
 * that sends an error: the envelope, as JSON, without a trace).
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
