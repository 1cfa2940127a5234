package org.parley.bootstrap.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A hand-built {@code multipart/form-data} body, sent with a Content-Length or chunked over a raw socket. */
final class Multipart {

    private final String boundary = "----parley-e2e-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart field(String name, String value) {
        part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Multipart file(String name, String fileName, byte[] content) {
        part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(body.toByteArray());
        all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return all.toByteArray();
    }

    /** {@code POST /chat/attachment/} with a Content-Length. */
    HttpApi.Reply post(HttpApi api, String token) {
        return api.send(api.request("/chat/attachment/", token)
                .header("Content-Type", contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes())));
    }

    /**
     * {@code POST /chat/attachment/} chunked, without a Content-Length, over a raw socket: writes the body and then
     * {@code extraBytes} more of the file (never closing the part), as a client that keeps sending would; returns the
     * status line of the answer.
     */
    String postChunkedEndlessly(int port, String token, long extraBytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /chat/attachment/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: " + contentType() + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                try {
                    chunk(out, body.toByteArray());
                    byte[] more = new byte[64 * 1024];
                    for (long sent = 0; sent < extraBytes; sent += more.length) {
                        chunk(out, more);
                    }
                } catch (IOException closedByServer) {
                    // expected once the server has answered 413
                }
            });
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            StringBuilder status = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                status.append((char) b);
            }
            return status.toString().strip();
        }
    }

    private static void chunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void part(String headers) {
        body.writeBytes(("--" + boundary + "\r\n" + headers).getBytes(StandardCharsets.UTF_8));
    }

    /** A text field whose value is sent as exactly these bytes (which need not be UTF-8). */
    Multipart rawField(String name, byte[] value) {
        part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        body.writeBytes(value);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A file part whose {@code filename} parameter is sent as exactly these bytes (which need not be UTF-8). */
    Multipart rawFile(String name, byte[] fileName, byte[] content) {
        part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"");
        body.writeBytes(fileName);
        body.writeBytes("\"\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }
}
