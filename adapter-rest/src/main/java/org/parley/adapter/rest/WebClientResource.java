package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
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

    private final Map<String, WebFile> files;

    WebClientResource() {
        Map<String, WebFile> loaded = new LinkedHashMap<>();
        for (String name : FILES) {
            loaded.put(name, WebFile.load(name));
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
        WebFile file = files.get(name);
        if (file == null || name.equals("index.html")) {
            throw new NotFoundException();
        }
        return serve(file, request);
    }

    private static Response serve(WebFile file, Request request) {
        CacheControl revalidate = new CacheControl();
        revalidate.setNoCache(true);
        revalidate.setNoTransform(false);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(file.etag());
        Response.ResponseBuilder answer = notModified != null ? notModified
                : Response.ok(file.bytes()).type(file.contentType());
        return answer.tag(file.etag())
                .cacheControl(revalidate)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    /** One file of the web client: its bytes, its content type (from its extension) and its strong ETag. */
    private record WebFile(byte[] bytes, String contentType, EntityTag etag) {

        static WebFile load(String name) {
            try (InputStream in = WebClientResource.class.getClassLoader().getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("The web client's file " + ROOT + name + " is not in the jar");
                }
                byte[] bytes = in.readAllBytes();
                return new WebFile(bytes, contentType(name), new EntityTag(sha256(bytes).substring(0, 32)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String contentType(String name) {
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return switch (extension) {
                case "html" -> "text/html;charset=utf-8";
                case "js" -> "text/javascript;charset=utf-8";
                case "css" -> "text/css;charset=utf-8";
                case "svg" -> "image/svg+xml";
                default -> throw new IllegalStateException("No content type known for " + name);
            };
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
