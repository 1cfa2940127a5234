package org.parley.adapter.rest;

import java.io.InputStream;
import java.util.Objects;
import jakarta.ws.rs.core.MediaType;
import org.apache.commons.fileupload.UploadContext;

/**
 * A request's {@code multipart/*} body as Commons FileUpload reads it, without servlets: the {@code Content-Type} with
 * its boundary, the announced length ({@code -1} when the body is chunked) and the entity stream, read once.
 *
 * @param contentType   the request's {@code Content-Type} header, or {@code null}
 * @param contentLength the request's {@code Content-Length}, or {@code -1} when unknown
 * @param body          the entity stream
 */
record MultipartBody(String contentType, long contentLength, InputStream body) implements UploadContext {

    MultipartBody {
        Objects.requireNonNull(body, "body");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    /** The length as the library's older int API wants it ({@code -1} when unknown or beyond an int). */
    @Override
    @Deprecated
    public int getContentLength() {
        return contentLength >= 0 && contentLength <= Integer.MAX_VALUE ? (int) contentLength : -1;
    }

    @Override
    public InputStream getInputStream() {
        return body;
    }

    /** The {@code charset} parameter of the content type, or {@code null}. */
    @Override
    public String getCharacterEncoding() {
        if (contentType == null) {
            return null;
        }
        try {
            return MediaType.valueOf(contentType).getParameters().get(MediaType.CHARSET_PARAMETER);
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }
}
