package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.domain.chat.Attachment;
import org.parley.domain.user.UserId;

/**
 * Streams attached files from the signed links of {@code attached_file}: {@code GET /media/<message id>/<key>
 * ?expires=…&signature=…} ({@link MediaRoute}). Without a valid signature the request needs the bearer token of a participant; anything
 * else is 404. Supports a single {@code Range} (206, or 416 when unsatisfiable; on an empty file the header is ignored:
 * 200 with an empty body); every answer carries
 * {@code X-Content-Type-Options: nosniff}, and only images, audio and video (not SVG) are shown inline.
 *
 * <p>Public only because Jersey calls resource methods reflectively; only {@link RestApi} creates it.
 */
@Path(MediaRoute.ROOT)
public final class MediaResource {

    private final DownloadAttachment downloadAttachment;
    private final AuthenticateToken authenticateToken;

    MediaResource(DownloadAttachment downloadAttachment, AuthenticateToken authenticateToken) {
        this.downloadAttachment = Objects.requireNonNull(downloadAttachment, "downloadAttachment");
        this.authenticateToken = Objects.requireNonNull(authenticateToken, "authenticateToken");
    }

    @GET
    @Path(MediaRoute.FILE)
    public Response download(@PathParam("message") String messageText,
                             @PathParam("key") String key,
                             @QueryParam("expires") String expires,
                             @QueryParam("signature") String signature,
                             @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @HeaderParam("Range") String range) {
        DownloadAttachment.Download download = downloadAttachment.download(
                MediaRoute.query(messageText, key, expires, signature, () -> caller(authorization)));
        Attachment attachment = download.attachment();
        long size = attachment.sizeBytes();
        Optional<ByteRange> requested = ByteRange.parse(range, size);
        if (requested.isPresent() && requested.get().unsatisfiable()) {
            return Response.status(416)
                    .header("Content-Range", "bytes */" + size)
                    .header("Accept-Ranges", "bytes")
                    .header("X-Content-Type-Options", "nosniff")
                    .build();
        }
        long first = requested.map(ByteRange::first).orElse(0L);
        long length = requested.map(ByteRange::length).orElse(size);
        // Opened once now, so that vanished bytes are a 404 rather than a broken 200, and again when the body is
        // written (a HEAD request never writes it, so nothing stays open).
        try (InputStream probe = download.content().openAt(first)) {
            probe.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Response.ResponseBuilder response = Response.status(requested.isPresent() ? 206 : 200)
                .entity((StreamingOutput) out -> copy(download.content().openAt(first), out, length))
                .type(attachment.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header("Accept-Ranges", "bytes")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header(HttpHeaders.CACHE_CONTROL, "private, max-age=3600")
                .header("Content-Disposition", contentDisposition(attachment));
        requested.ifPresent(r -> response.header("Content-Range",
                "bytes " + r.first() + "-" + (r.first() + r.length() - 1) + "/" + size));
        return response.build();
    }

    /** The participant a bearer token names, if the request carries a valid one; no token is not an error here. */
    private Optional<UserId> caller(String authorization) {
        try {
            return Optional.of(authenticateToken.authenticate(BearerTokenFilter.bearerToken(authorization)).id());
        } catch (AuthenticationFailed e) {
            return Optional.empty();
        }
    }

    private static void copy(InputStream content, OutputStream out, long length) throws IOException {
        try (InputStream in = content) {
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("The stored file is shorter than recorded");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** RFC 6266: an ASCII {@code filename} for old clients and the exact name as RFC 5987 {@code filename*}. */
    static String contentDisposition(Attachment attachment) {
        String type = attachment.contentType().toLowerCase(Locale.ROOT);
        boolean inline = (type.startsWith("image/") && !type.startsWith("image/svg"))
                || type.startsWith("audio/") || type.startsWith("video/");
        StringBuilder ascii = new StringBuilder();
        attachment.fileName().codePoints().forEach(cp -> ascii.append(
                cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%' ? (char) cp : '_'));
        return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + percentEncode(attachment.fileName());
    }

    private static String percentEncode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    /**
     * One byte range of a file of known size, from a {@code Range: bytes=…} header. Anything but a single range in
     * the {@code bytes} unit is ignored (the whole file is sent), as RFC 9110 allows.
     */
    record ByteRange(long first, long length, boolean unsatisfiable) {

        static Optional<ByteRange> parse(String header, long size) {
            // An empty file has no byte to serve a range of: the whole (empty) file it is, 200 (contract §10).
            if (header == null || size == 0) {
                return Optional.empty();
            }
            String value = header.strip();
            if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=") || value.indexOf(',') >= 0) {
                return Optional.empty();
            }
            String spec = value.substring("bytes=".length()).strip();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return Optional.empty();
            }
            Optional<Long> start = digits(spec.substring(0, dash).strip());
            Optional<Long> end = digits(spec.substring(dash + 1).strip());
            boolean startGiven = dash > 0;
            boolean endGiven = dash < spec.length() - 1;
            if ((startGiven && start.isEmpty()) || (endGiven && end.isEmpty()) || (!startGiven && !endGiven)) {
                return Optional.empty();
            }
            if (!startGiven) {
                long suffix = end.get();
                if (suffix == 0 || size == 0) {
                    return Optional.of(new ByteRange(0, 0, true));
                }
                long length = Math.min(suffix, size);
                return Optional.of(new ByteRange(size - length, length, false));
            }
            long first = start.get();
            if (endGiven && end.get() < first) {
                return Optional.empty();
            }
            if (first >= size) {
                return Optional.of(new ByteRange(0, 0, true));
            }
            long last = endGiven ? Math.min(end.get(), size - 1) : size - 1;
            return Optional.of(new ByteRange(first, last - first + 1, false));
        }

        private static Optional<Long> digits(String text) {
            if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(text));
        }
    }
}
