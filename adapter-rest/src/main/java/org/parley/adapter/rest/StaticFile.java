package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * A file kept in the jar and served as it is (the web client's files, the API descriptions): its bytes, its exact
 * {@code Content-Type} (from its extension, with the charset of text) and a strong {@code ETag} (the first 32 hex
 * digits of its SHA-256). Served with {@code Cache-Control: no-cache}, so caches keep it and revalidate: an unchanged
 * file is a {@code 304} without a body.
 */
record StaticFile(byte[] bytes, String contentType, EntityTag etag) {

    /** Reads {@code path} from the class path once; a missing file is a broken build, so it fails start-up. */
    static StaticFile load(String path) {
        try (InputStream in = StaticFile.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("The file " + path + " is not in the jar");
            }
            byte[] bytes = in.readAllBytes();
            return new StaticFile(bytes, contentType(path), new EntityTag(sha256(bytes).substring(0, 32)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 200} with the bytes, or {@code 304} when the request's {@code If-None-Match} names this version. */
    Response.ResponseBuilder answer(Request request) {
        CacheControl revalidate = new CacheControl();
        revalidate.setNoCache(true);
        revalidate.setNoTransform(false);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        Response.ResponseBuilder answer = notModified != null ? notModified : Response.ok(bytes).type(contentType);
        return answer.tag(etag).cacheControl(revalidate).header("X-Content-Type-Options", "nosniff");
    }

    private static String contentType(String path) {
        String extension = path.substring(path.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html;charset=utf-8";
            case "js" -> "text/javascript;charset=utf-8";
            case "css" -> "text/css;charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "json" -> "application/json";
            default -> throw new IllegalStateException("No content type known for " + path);
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
