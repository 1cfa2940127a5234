package org.parley.adapter.rest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which requests an answer may share with a browser page of another origin (CORS, the Fetch standard), and the headers
 * that say so: one policy for the REST adapter's Jersey filter ({@link CrossOriginRequests}) and for the answers written
 * below Jersey (bootstrap's {@code server.CrossOriginAnswers}), so the two can never disagree.
 *
 * <p>An origin is allowed when the request names exactly one origin, in one {@code Origin} header, and it is in
 * {@code PARLEY_ALLOWED_ORIGINS} (compared in lower case; a browser sends one header holding one origin, RFC 6454
 * §7.3, so {@code Origin: <allowed>, <other>} or two headers are not an allowed origin). Answers to it carry
 * {@code Access-Control-Allow-Origin} (the origin as sent), {@code -Allow-Methods}, {@code -Allow-Headers}
 * ({@code Authorization, Content-Type}) and {@code -Max-Age} (600 s); every answer of a server with an allow-list
 * varies by {@code Origin}. No cookies are involved, so {@code Access-Control-Allow-Credentials} is never sent.
 */
public final class CrossOriginPolicy {

    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";
    static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String HEADERS = "Authorization, Content-Type";
    /** How long a browser may keep a preflight's answer, in seconds. */
    static final String PREFLIGHT_SECONDS = "600";

    private final Set<String> allowedOrigins;

    /** @param allowedOrigins {@code scheme://host[:port]} origins, any case; not empty (leave CORS off instead) */
    public CrossOriginPolicy(Set<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (allowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("No origin is allowed: leave CORS off instead");
        }
        this.allowedOrigins = allowedOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The request's origin when it is an allowed one, as sent (trimmed), or null: without an {@code Origin} header,
     * with another origin, and with more than one origin, in one header or in several.
     *
     * @param originHeaders the values of every {@code Origin} header of the request, in order (none: empty)
     */
    public String allowedOrigin(Iterable<String> originHeaders) {
        String origin = null;
        int count = 0;
        for (String value : originHeaders) {
            origin = value;
            count++;
        }
        if (count != 1 || origin == null) {
            return null;
        }
        origin = origin.trim();
        return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT)) ? origin : null;
    }

    /** The headers an answer to the allowed {@code origin} carries, name to value, in a fixed order. */
    public static Map<String, String> headersFor(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ALLOW_ORIGIN, Objects.requireNonNull(origin, "origin"));
        headers.put(ALLOW_METHODS, METHODS);
        headers.put(ALLOW_HEADERS, HEADERS);
        headers.put(MAX_AGE, PREFLIGHT_SECONDS);
        return headers;
    }

    /**
     * The {@code Vary} value an answer carries once it varies by {@code Origin} too: {@code vary} (null or blank: none
     * yet) with {@code Origin} added unless it is there (any case) or is {@code *}.
     */
    public static String varyByOrigin(String vary) {
        if (vary == null || vary.isBlank()) {
            return "Origin";
        }
        if (vary.toLowerCase(Locale.ROOT).contains("origin") || vary.trim().equals("*")) {
            return vary;
        }
        return vary + ", Origin";
    }
}
