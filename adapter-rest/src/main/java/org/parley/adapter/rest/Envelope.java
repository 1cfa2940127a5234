package org.parley.adapter.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The two body shapes of every response (contract §2). */
final class Envelope {

    private Envelope() {
    }

    static Success success(Object data, String message) {
        return new Success("success", data, message, true);
    }

    /** A JSON response with the success envelope, whatever the request's {@code Accept} asked for. */
    static Response respond(Response.Status status, Object data, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(success(data, message)).build();
    }

    /** The seed's upload answer: {@code {"status":"success","entity":…,"message":…,"success":true}}. */
    static Response created(Object entity, String message) {
        return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Created("success", entity, message, true)).build();
    }

    static Failure failure(ApiError error, String message) {
        return new Failure("failure", null, message, false, error.code(), null);
    }

    static Failure failure(ApiError error, String message, Map<String, List<String>> fieldErrors) {
        return new Failure("failure", null, message, false, error.code(), fieldErrors);
    }

    /** {@code {"status":"success","data":…,"message":…,"success":true}}. */
    @JsonPropertyOrder({"status", "data", "message", "success"})
    record Success(
            @JsonProperty("status") String status,
            @JsonProperty("data") Object data,
            @JsonProperty("message") String message,
            @JsonProperty("success") boolean success) {
    }

    /** The success envelope of {@code POST /chat/attachment/}, which keeps the seed's {@code entity} key. */
    @JsonPropertyOrder({"status", "entity", "message", "success"})
    record Created(
            @JsonProperty("status") String status,
            @JsonProperty("entity") Object entity,
            @JsonProperty("message") String message,
            @JsonProperty("success") boolean success) {
    }

    /** {@code {"status":"failure","entity":null,"message":…,"success":false,"code":…}}, plus {@code errors} for validation. */
    @JsonPropertyOrder({"status", "entity", "message", "success", "code", "errors"})
    record Failure(
            @JsonProperty("status") String status,
            @JsonProperty("entity") Object entity,
            @JsonProperty("message") String message,
            @JsonProperty("success") boolean success,
            @JsonProperty("code") String code,
            @JsonProperty("errors") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, List<String>> errors) {
    }
}
