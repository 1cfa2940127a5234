package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a {@code multipart/form-data} body part by part, as it arrives, so that a file part can be streamed to its
 * destination instead of being spooled by a framework into temporary files it may leave behind. Headers of a part are
 * limited to {@value #MAX_HEADER_BYTES} bytes; each part body is copied with a caller-given limit.
 */
final class MultipartFormReader {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean finished;

    /** A body that is not well-formed {@code multipart/form-data}; answered 400 {@code bad_request}. */
    static final class MalformedMultipart extends RuntimeException {
        MalformedMultipart(String message) {
            super(message, null, false, false);
        }
    }

    /** @throws MalformedMultipart when the body does not start with the boundary */
    MultipartFormReader(InputStream in, String boundary) throws IOException {
        this.in = in;
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new MalformedMultipart("The multipart boundary is missing or invalid");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[BUFFER_BYTES + delimiter.length];
        // The first boundary need not follow a line break: pretend one, so every boundary looks the same.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
        copyUntilDelimiter(OutputStream.nullOutputStream(), MAX_HEADER_BYTES,
                () -> new MalformedMultipart("The multipart body does not start with its boundary"));
        afterDelimiter();
    }

    /** The headers of the next part (its body must be read next), or empty after the closing boundary. */
    Optional<Part> nextPart() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine(MAX_HEADER_BYTES - total);
            total += line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipart("A multipart part has a malformed header");
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return Optional.of(Part.of(headers.get("content-disposition")));
    }

    /**
     * Copies the body of the current part to {@code out}.
     *
     * @return the number of bytes copied
     * @throws RuntimeException from {@code tooLarge} as soon as more than {@code maxBytes} arrive
     */
    <X extends Exception> long copyBody(OutputStream out, long maxBytes, Supplier<X> tooLarge) throws IOException, X {
        long total = copyUntilDelimiter(out, maxBytes, tooLarge);
        afterDelimiter();
        return total;
    }

    private <X extends Exception> long copyUntilDelimiter(OutputStream out, long maxBytes, Supplier<X> tooLarge)
            throws IOException, X {
        long total = 0;
        while (true) {
            int found = indexOfDelimiter();
            if (found >= 0) {
                total += found - position;
                if (total > maxBytes) {
                    throw tooLarge.get();
                }
                out.write(buffer, position, found - position);
                position = found + delimiter.length;
                return total;
            }
            int safe = limit - (delimiter.length - 1);
            if (safe > position) {
                total += safe - position;
                if (total > maxBytes) {
                    throw tooLarge.get();
                }
                out.write(buffer, position, safe - position);
                position = safe;
            }
            if (!fill()) {
                throw new MalformedMultipart("The multipart body ended before its closing boundary");
            }
        }
    }

    /** After a boundary: {@code --} closes the body, a line break starts the next part. */
    private void afterDelimiter() throws IOException {
        int first = read();
        int second = read();
        if (first == '-' && second == '-') {
            finished = true;
            return;
        }
        while (first == ' ' || first == '\t') {
            first = second;
            second = read();
        }
        if (first != '\r' || second != '\n') {
            throw new MalformedMultipart("A multipart boundary is not followed by a line break");
        }
    }

    private String readLine(int maxBytes) throws IOException {
        byte[] line = new byte[Math.max(0, maxBytes)];
        int length = 0;
        while (true) {
            int b = read();
            if (b < 0) {
                throw new MalformedMultipart("The multipart body ended inside the headers of a part");
            }
            if (b == '\n' && length > 0 && line[length - 1] == '\r') {
                return new String(line, 0, length - 1, StandardCharsets.UTF_8);
            }
            if (length >= line.length) {
                throw new MalformedMultipart("The headers of a multipart part are too large");
            }
            line[length++] = (byte) b;
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Moves the unread bytes to the front and reads more; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            return true;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        for (int i = position; i <= limit - delimiter.length; i++) {
            if (buffer[i] != first) {
                continue;
            }
            int j = 1;
            while (j < delimiter.length && buffer[i + j] == delimiter[j]) {
                j++;
            }
            if (j == delimiter.length) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The {@code Content-Disposition} of one part.
     *
     * @param name     the form field name, or {@code null}
     * @param fileName the file name the client sent, or {@code null} when the part is not a file
     */
    record Part(String name, String fileName) {

        static Part of(String disposition) {
            if (disposition == null) {
                return new Part(null, null);
            }
            Map<String, String> parameters = parameters(disposition);
            String fileName = parameters.get("filename");
            String extended = parameters.get("filename*");
            if (extended != null) {
                fileName = decodeExtended(extended).orElse(fileName);
            }
            return new Part(parameters.get("name"), fileName);
        }

        /** {@code form-data; name="a"; filename="b"} → {name=a, filename=b}, names in lower case. */
        private static Map<String, String> parameters(String disposition) {
            Map<String, String> parameters = new LinkedHashMap<>();
            int i = disposition.indexOf(';');
            while (i >= 0 && i < disposition.length()) {
                i++;
                int equals = disposition.indexOf('=', i);
                if (equals < 0) {
                    break;
                }
                String key = disposition.substring(i, equals).strip().toLowerCase(Locale.ROOT);
                int j = equals + 1;
                while (j < disposition.length() && disposition.charAt(j) == ' ') {
                    j++;
                }
                StringBuilder value = new StringBuilder();
                if (j < disposition.length() && disposition.charAt(j) == '"') {
                    j++;
                    while (j < disposition.length() && disposition.charAt(j) != '"') {
                        char c = disposition.charAt(j);
                        // Browsers do not escape backslashes (Windows paths arrive as they are): only \" and \\ are
                        // taken as escapes.
                        if (c == '\\' && j + 1 < disposition.length()
                                && (disposition.charAt(j + 1) == '"' || disposition.charAt(j + 1) == '\\')) {
                            c = disposition.charAt(++j);
                        }
                        value.append(c);
                        j++;
                    }
                    j = disposition.indexOf(';', j);
                } else {
                    int end = disposition.indexOf(';', j);
                    value.append(disposition, j, end < 0 ? disposition.length() : end);
                    j = end;
                }
                parameters.putIfAbsent(key, value.toString().strip());
                i = j;
            }
            return parameters;
        }

        /** RFC 5987 {@code UTF-8''na%C3%AFve.txt}. */
        private static Optional<String> decodeExtended(String value) {
            int quote = value.indexOf("''");
            if (quote < 0 || !value.substring(0, quote).equalsIgnoreCase("utf-8")) {
                return Optional.empty();
            }
            try {
                return Optional.of(URLDecoder.decode(value.substring(quote + 2).replace("+", "%2B"),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
        }
    }
}
