package org.parley.bootstrap.server;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax of a request target and a {@code Host} header, as RFC 3986 states it: a path is made of
 * {@code pchar}s and {@code /}, a query of {@code pchar}s, {@code /} and {@code ?}, where a {@code pchar} is an
 * unreserved character ({@code A-Z a-z 0-9 - . _ ~}), a sub-delimiter ({@code ! $ & ' ( ) * + , ; =}), {@code :},
 * {@code @}, or a {@code %} followed by two hex digits. Anything else — {@code \ | { } ^ " < > [ ] #}, a backtick, a
 * space, a control character, a raw non-ASCII byte, a {@code %} without two hex digits — makes the target malformed.
 * Each method answers the first problem in words a client author can act on, or nothing when the text is well-formed.
 */
final class RequestTargets {

    /** RFC 3986 §3.2.2 and §3.2.3: an IP literal in brackets, or a reg-name / IPv4 address, then an optional port. */
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+]|([A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(:[0-9]*)?");

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

    /** A problem with the value of a {@code Host} header. */
    static Optional<String> problemWithHost(String host) {
        if (HOST.matcher(host).matches()) {
            return Optional.empty();
        }
        return Optional.of("The Host header is not a host name with an optional port (RFC 3986, section 3.2.2)");
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
