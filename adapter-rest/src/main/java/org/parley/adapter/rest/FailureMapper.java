package org.parley.adapter.rest;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NoContentException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

import org.glassfish.jersey.server.internal.process.MappableException;
import org.parley.application.error.UseCaseFailure;
import org.parley.domain.DomainRuleViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a failure envelope: use-case failures and domain rule violations (each kind answered by
 * {@link UseCaseAnswers}), fields the adapter refuses itself ({@link InvalidFields}), bad JSON, what Jersey
 * decides itself (unknown route, wrong method or media type), oversized bodies, and anything unexpected, which is
 * logged (method and path only: no query string, no headers, so no token) and answered with a generic 500.
 */
final class FailureMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(FailureMapper.class);
    private static final int MAX_CAUSE_DEPTH = 10;
    private static final UseCaseAnswers USE_CASE_ANSWERS = new UseCaseAnswers();

    @Context
    private UriInfo uriInfo;

    @Context
    private Request request;

    @Override
    public Response toResponse(Throwable thrown) {
        RequestBodyLimit.BodyTooLarge tooLarge = find(thrown, RequestBodyLimit.BodyTooLarge.class);
        if (tooLarge != null) {
            return respond(ApiError.TOO_LARGE, "The request body is too large (at most " + tooLarge.maxBytes() + " bytes)")
                    .header("Connection", "close")
                    .build();
        }
        Throwable failure = unwrapJersey(thrown);
        if (failure instanceof UseCaseFailure useCaseFailure) {
            return useCaseFailure.accept(USE_CASE_ANSWERS);
        }
        if (failure instanceof DomainRuleViolation violation) {
            return USE_CASE_ANSWERS.domainRuleBroken(violation);
        }
        if (failure instanceof InvalidFields invalid) {
            return respond(ApiError.VALIDATION_ERROR, invalid.getMessage(), invalid.errors()).build();
        }
        if (failure instanceof ApiKeyFilter.ApiKeyRejected rejected) {
            return respond(ApiError.UNAUTHORIZED, rejected.getMessage())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + ApiKeyFilter.HEADER + "\"")
                    .build();
        }
        if (failure instanceof HeaderCheck.UnreadableContentType) {
            return respond(ApiError.UNSUPPORTED_MEDIA_TYPE, messageFor(ApiError.UNSUPPORTED_MEDIA_TYPE, 415)).build();
        }
        if (failure instanceof UnsupportedBodyType unsupported) {
            return respond(ApiError.UNSUPPORTED_MEDIA_TYPE, unsupported.getMessage()).build();
        }
        if (failure instanceof MalformedMultipart malformed) {
            return respond(ApiError.BAD_REQUEST, malformed.getMessage()).build();
        }
        if (failure instanceof InvalidRequestBody invalid) {
            return respond(ApiError.INVALID_JSON, invalid.getMessage()).build();
        }
        if (failure instanceof JsonProcessingException json) {
            return json(json);
        }
        if (failure instanceof NoContentException) {
            return respond(ApiError.INVALID_JSON, "A JSON object is required as the request body").build();
        }
        if (failure instanceof WebApplicationException web) {
            return decidedByJersey(web);
        }
        return internal(thrown);
    }

    /** Malformed JSON is {@code invalid_json}; well-formed JSON with a value of the wrong type is a field error. */
    private static Response json(JsonProcessingException failure) {
        if (failure instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = path(mismatch.getPath());
            String problem = "Expected " + describe(mismatch.getTargetType());
            return respond(ApiError.VALIDATION_ERROR, "Some fields are invalid", Map.of(field, List.of(problem))).build();
        }
        if (failure instanceof MismatchedInputException) {
            return respond(ApiError.INVALID_JSON, "The request body must be a JSON object").build();
        }
        JsonLocation location = failure.getLocation();
        String where = location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return respond(ApiError.INVALID_JSON, "Malformed JSON" + where).build();
    }

    private static String path(List<JsonMappingException.Reference> references) {
        return references.stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        return "a value of another type";
    }

    private Response decidedByJersey(WebApplicationException failure) {
        Response original = failure.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status >= 500) {
            return internal(failure);
        }
        ApiError error = ApiError.forStatus(status);
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Envelope.failure(error, messageFor(error, status)));
        if (status == 405 && original != null && !original.getAllowedMethods().isEmpty()) {
            response.allow(original.getAllowedMethods());
        }
        return response.build();
    }

    private String messageFor(ApiError error, int status) {
        return switch (error) {
            case NOT_FOUND -> "Not found.";
            case METHOD_NOT_ALLOWED -> "Method \"" + method() + "\" not allowed.";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type: send application/json.";
            case NOT_ACCEPTABLE -> "Not acceptable: this API answers application/json.";
            case UNAUTHORIZED -> "Authentication credentials were not provided.";
            case FORBIDDEN -> "You do not have permission to perform this action.";
            default -> Response.Status.fromStatusCode(status) == null ? "Bad request."
                    : Response.Status.fromStatusCode(status).getReasonPhrase() + ".";
        };
    }

    private Response internal(Throwable failure) {
        LOG.error("Unhandled failure on {} /{}", method(), path(), failure);
        return respond(ApiError.INTERNAL_ERROR, "Internal server error.").build();
    }

    static Response.ResponseBuilder respond(ApiError error, String message) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Envelope.failure(error, message));
    }

    static Response.ResponseBuilder respond(ApiError error, String message, Map<String, List<String>> fields) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Envelope.failure(error, message, fields));
    }

    /** Strips Jersey's wrappers around a failure thrown while reading the body or running a filter. */
    private static Throwable unwrapJersey(Throwable thrown) {
        Throwable current = thrown;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH && current.getCause() != null; depth++) {
            boolean wrapper = current instanceof MappableException
                    || current instanceof ProcessingException
                    || current instanceof WebApplicationException && current.getCause() instanceof JsonProcessingException
                    || current instanceof WebApplicationException && current.getCause() instanceof NoContentException;
            if (!wrapper) {
                break;
            }
            current = current.getCause();
        }
        return current;
    }

    private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
        Throwable current = thrown;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth++) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        return null;
    }

    private String method() {
        try {
            return request == null ? "?" : request.getMethod();
        } catch (RuntimeException outsideRequest) {
            return "?";
        }
    }

    private String path() {
        try {
            return uriInfo == null ? "?" : uriInfo.getPath(false);
        } catch (RuntimeException outsideRequest) {
            return "?";
        }
    }
}
