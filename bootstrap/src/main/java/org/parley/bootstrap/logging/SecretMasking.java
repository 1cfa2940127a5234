package org.parley.bootstrap.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in a text by what they are, never by searching for a known secret's value (which would garble every
 * message that happens to contain a short password's letters, and reveal the password by doing so). A value is a
 * secret when its <em>key</em> names one — {@code password}, {@code passwd}, {@code pwd}, {@code secret},
 * {@code token}, {@code api key} ({@code api_key}, {@code api-key}, {@code apikey}), {@code access key},
 * {@code private key}, {@code signature}, {@code credentials}, {@code authorization}, alone or as the end of a longer
 * key such as {@code PARLEY_DB_PASSWORD}, {@code jwtSecret}, {@code X-Api-Key} or {@code refresh_token} (but not
 * {@code PARLEY_ACCESS_TOKEN_SECONDS}, whose key ends otherwise) — in any of these shapes:
 * <ul>
 *   <li>{@code key=value} (properties, query strings, JDBC parameters: {@code ?password=…&}, {@code ;PASSWORD=…;});</li>
 *   <li>{@code key: value} (headers, YAML, messages);</li>
 *   <li>{@code "key":"value"} or {@code "key": 123} (JSON), also with single quotes;</li>
 *   <li>the password of a URL's user-info ({@code scheme://user:password@host});</li>
 *   <li>the credentials after an HTTP authentication scheme ({@code Bearer …}, {@code Basic …});</li>
 *   <li>a JSON Web Token anywhere ({@code eyJ….eyJ….…}: the access and refresh tokens Parley issues).</li>
 * </ul>
 * Each secret becomes {@value #MASK}; the key and everything else stay as they were.
 */
public final class SecretMasking {

    /** What a secret value is replaced with. */
    public static final String MASK = "***";

    private static final String SECRET_WORD = "(?:password|passwd|pwd|secret|token|api[_\\- ]?key|apikey"
            + "|access[_\\-]?key|private[_\\-]?key|signature|credentials?|authorization)";
    /** A key that ends with a secret word: letters, digits and {@code _ . -} before it, none after it. */
    private static final String KEY = "[A-Za-z0-9_.\\-]*" + SECRET_WORD + "(?![A-Za-z0-9_])";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)" + KEY);

    private static final Pattern QUOTED_KEY = Pattern.compile(
            "(?i)([\"'])(" + KEY + ")\\1(\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|[^,}\\]\\s]+)");
    private static final Pattern KEY_EQUALS = Pattern.compile(
            "(?i)(?<![A-Za-z0-9_.\\-])(" + KEY + ")(\\s*=\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|[^\\s&;,)\\]}\"']+)");
    private static final Pattern KEY_COLON = Pattern.compile(
            "(?i)(?<![A-Za-z0-9_.\\-\"'])(" + KEY + ")(\\s*:[ \\t]*)"
                    + "((?:Bearer|Basic|Digest|Token)\\s+[^\\s,;]+|\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|[^\\s,;)\\]}]+)");
    private static final Pattern URL_PASSWORD = Pattern.compile(
            "(?i)\\b([a-z][a-z0-9+.\\-]*://[^/\\s:@\"']*):([^/\\s@\"']*)@");
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer|Basic)(\\s+)([A-Za-z0-9\\-._~+/]+=*)");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_\\-]{4,}\\.eyJ[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]*");

    private SecretMasking() {
    }

    /** {@code text} with every secret it shows masked; {@code null} stays {@code null}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = JWT.matcher(text).replaceAll(MASK);
        masked = replaceGroup(URL_PASSWORD, masked, 2, MASK);
        masked = replaceValue(QUOTED_KEY, masked, 4);
        masked = replaceValue(KEY_EQUALS, masked, 3);
        masked = replaceValue(KEY_COLON, masked, 3);
        masked = replaceGroup(AUTH_SCHEME, masked, 3, MASK);
        return masked;
    }

    /** Whether a configuration key or field name names a secret (its value must never be shown). */
    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key).matches();
    }

    /** Replaces a value, keeping its quotes when it had them; an authentication scheme before it stays too. */
    private static String replaceValue(Pattern pattern, String text, int valueGroup) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        do {
            String value = matcher.group(valueGroup);
            String replacement;
            if (value.startsWith("\"") || value.startsWith("'")) {
                replacement = value.charAt(0) + MASK + value.charAt(0);
            } else {
                Matcher scheme = AUTH_SCHEME.matcher(value);
                replacement = scheme.lookingAt() ? scheme.group(1) + scheme.group(2) + MASK : MASK;
            }
            out.append(text, last, matcher.start(valueGroup)).append(replacement);
            last = matcher.end(valueGroup);
        } while (matcher.find());
        return out.append(text, last, text.length()).toString();
    }

    private static String replaceGroup(Pattern pattern, String text, int group, String replacement) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        do {
            out.append(text, last, matcher.start(group)).append(replacement);
            last = matcher.end(group);
        } while (matcher.find());
        return out.append(text, last, text.length()).toString();
    }
}
