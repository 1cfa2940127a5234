package org.parley.bootstrap.server;

import java.util.Optional;

/**
 * The syntax of a request target and a {@code Host} header, as RFC 3986 states it: a path is made of
 * {@code pchar}s and {@code /}, a query of {@code pchar}s, {@code /} and {@code ?}, where a {@code pchar} is an
 * unreserved character ({@code A-Z a-z 0-9 - . _ ~}), a sub-delimiter ({@code ! $ & ' ( ) * + , ; =}), {@code :},
 * {@code @}, or a {@code %} followed by two hex digits. Anything else — {@code \ | { } ^ " < > [ ] #}, a backtick, a
 * space, a control character, a raw non-ASCII byte, a {@code %} without two hex digits — makes the target malformed.
 * Each method answers the first problem in words a client author can act on, or nothing when the text is well-formed.
 */
final class RequestTargets {

    private RequestTargets() {
    }

    /** A problem with the path of a request target ({@code null}: none; {@code *}: the asterisk form, allowed). */
    static Optional<String> problemWithPath(String path) {
        if (path == null || path.equals("*")) {
            return Optional.empty();
        }
        return problem("path", path, false);
    }

    /** A problem with the query of a request target, without its {@code ?} ({@code null}: no query). */
    static Optional<String> problemWithQuery(String query) {
        return query == null ? Optional.empty() : problem("query", query, true);
    }

    /**
     * A problem with the value of a {@code Host} header. The value must be, as a whole, RFC 3986 §3.2.2's IP literal
     * ({@code [}, one or more hex digits, {@code :} or {@code .}, {@code ]}) or reg-name / IPv4 address (unreserved
     * characters, sub-delimiters and {@code %} with two hex digits, possibly none), then §3.2.3's optional port
     * ({@code :} and any number of digits). Read character by character: every request and every websocket handshake
     * passes here, and a regular expression allocated a matcher and its arrays for each (about 0.6 KB).
     */
    static Optional<String> problemWithHost(String host) {
        if (isHostAndPort(host)) {
            return Optional.empty();
        }
        return Optional.of("The Host header is not a host name with an optional port (RFC 3986, section 3.2.2)");
    }

    private static boolean isHostAndPort(String host) {
        int length = host.length();
        int i = 0;
        if (length > 0 && host.charAt(0) == '[') {
            i = 1;
            while (i < length && isIpLiteralChar(host.charAt(i))) {
                i++;
            }
            if (i == 1 || i >= length || host.charAt(i) != ']') {
                return false;
            }
            i++;
        } else {
            while (i < length && host.charAt(i) != ':') {
                char c = host.charAt(i);
                if (c == '%') {
                    if (i + 2 >= length || !isHexDigit(host.charAt(i + 1)) || !isHexDigit(host.charAt(i + 2))) {
                        return false;
                    }
                    i += 3;
                } else if (isUnreservedOrSubDelimiter(c)) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        if (i == length) {
            return true;
        }
        if (host.charAt(i) != ':') {
            return false;
        }
        for (i++; i < length; i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpLiteralChar(char c) {
        return isHexDigit(c) || c == ':' || c == '.';
    }

    private static boolean isUnreservedOrSubDelimiter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static Optional<String> problem(String part, String text, boolean query) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || !isHexDigit(text.charAt(i + 1)) || !isHexDigit(text.charAt(i + 2))) {
                    return Optional.of("The request " + part + " has a '%' at position " + (i + 1)
                            + " that is not followed by two hex digits: write a literal % as %25 (RFC 3986)");
                }
                i += 2;
            } else if (!isPchar(c) && c != '/' && !(query && c == '?')) {
                return Optional.of("The request " + part + " has " + describe(c) + " at position " + (i + 1)
                        + ", which a URI cannot hold: percent-encode it (RFC 3986)");
            }
        }
        return Optional.empty();
    }

    private static boolean isPchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("a control character (0x%02X)", (int) c);
        }
        if (c == ' ') {
            return "a space";
        }
        if (c > 0x7f) {
            return String.format("a byte outside ASCII (0x%02X)", (int) c);
        }
        return "a '" + c + "'";
    }
}
