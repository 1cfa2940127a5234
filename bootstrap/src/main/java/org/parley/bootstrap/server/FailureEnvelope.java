package org.parley.bootstrap.server;

/**
 * The contract's failure envelope (§2) for the few answers that bootstrap writes itself, below the REST API:
 * {@code {"status":"failure","entity":null,"message":…,"success":false,"code":…}}.
 */
final class FailureEnvelope {

    private FailureEnvelope() {
    }

    static String of(String code, String message) {
        return "{\"status\":\"failure\",\"entity\":null,\"message\":" + jsonString(message)
                + ",\"success\":false,\"code\":" + jsonString(code) + "}";
    }

    /** {@code text} as a JSON string (RFC 8259): quotes, backslashes and everything outside printable ASCII escaped. */
    static String jsonString(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
