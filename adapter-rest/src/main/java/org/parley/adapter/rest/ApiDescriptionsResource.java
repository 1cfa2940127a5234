package org.parley.adapter.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * The machine-readable API descriptions (issue 15, contract §17), static JSON documents kept in the jar under
 * {@code api/} ({@code adapter-rest/src/main/resources/api}): {@code GET /openapi.json}, the REST API as OpenAPI 3.1,
 * and {@code GET /asyncapi.json}, the websocket's frames as AsyncAPI 3.0, whose schemas refer to
 * {@code openapi.json}'s components for what both share (ids, timestamps, file sizes). No token; served as
 * {@code application/json} with a strong {@code ETag} and {@code Cache-Control: no-cache}, like the web client's files
 * ({@link StaticFile}). The end-to-end tests hold the server's every answer and frame to these documents.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("/")
public final class ApiDescriptionsResource {

    private final StaticFile openApi = StaticFile.load("api/openapi.json");
    private final StaticFile asyncApi = StaticFile.load("api/asyncapi.json");

    ApiDescriptionsResource() {
    }

    /** {@code GET /openapi.json}: the REST API (OpenAPI 3.1). */
    @GET
    @Path("openapi.json")
    public Response openApi(@Context Request request) {
        return openApi.answer(request).build();
    }

    /** {@code GET /asyncapi.json}: the websocket's frames (AsyncAPI 3.0). */
    @GET
    @Path("asyncapi.json")
    public Response asyncApi(@Context Request request) {
        return asyncApi.answer(request).build();
    }
}
