package org.parley.adapter.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * The web client (issue 15): a page at {@code GET /} and its files at {@code GET /web/<name>}, plain ES modules,
 * stylesheet and icon kept in the jar under {@code web/} ({@code adapter-rest/src/main/resources/web}). It is a
 * client of the public API only; this class just hands out its files.
 *
 * <p>Only the files of {@link #FILES} are served, read once when the API is built; any other name under
 * {@code /web/} is the usual 404 envelope, and so is every other path this resource does not declare (Jersey prefers
 * every other resource's longer path, so {@code /} shadows no route of the API). Every answer carries an exact
 * {@code Content-Type} with its charset, {@code X-Content-Type-Options: nosniff}, a strict
 * {@code Content-Security-Policy} (scripts, styles, images and connections from this origin only: no inline script,
 * no CDN, no framing), {@code Referrer-Policy: no-referrer}, and {@code Cache-Control: no-cache} with a strong
 * {@code ETag} (the files have fixed names, so browsers revalidate and get {@code 304} while nothing changed).
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path("/")
public final class WebClientResource {

    /** The files of the web client, under {@code web/} on the class path: the page and what it loads. */
    static final List<String> FILES = List.of("index.html", "app.js", "api.js", "socket.js", "view.js", "style.css",
            "icon.svg");

    /**
     * Scripts, styles and images from this origin, connections (fetch, XHR, the websocket: CSP 3 lets {@code 'self'}
     * match {@code ws:}/{@code wss:} of the same host) to it, {@code blob:} images for previews of files about to be
     * sent; nothing inline, no plug-ins, no framing, no {@code <base>}, no form posts.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob:; media-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static final String ROOT = "web/";

    private final Map<String, StaticFile> files;

    WebClientResource() {
        Map<String, StaticFile> loaded = new LinkedHashMap<>();
        for (String name : FILES) {
            loaded.put(name, StaticFile.load(ROOT + name));
        }
        this.files = Map.copyOf(loaded);
    }

    @GET
    public Response page(@Context Request request) {
        return serve(files.get("index.html"), request);
    }

    @GET
    @Path("web/{name}")
    public Response file(@PathParam("name") String name, @Context Request request) {
        StaticFile file = files.get(name);
        if (file == null || name.equals("index.html")) {
            throw new NotFoundException();
        }
        return serve(file, request);
    }

    private static Response serve(StaticFile file, Request request) {
        return file.answer(request)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
