package org.parley.bootstrap.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3986's syntax of paths, queries and hosts, as {@link RefuseMalformedRequests} applies it. */
class RequestTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/", "*", "/chat/messages/6f1c2a4e-9b1d-4c55-8f0e-2d1a3b4c5d6e/", "/media/12/0123abcd",
            "/a%20b/%7C/%25", "/~user/x.y_z-1/!$&'()*+,;=:@",
    })
    void acceptsWellFormedPaths(String path) {
        assertThat(RequestTargets.problemWithPath(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "limit=10&after=0", "token=eyJh.eyJ1.c2ln", "expires=1795966916&signature=OIYg_-x",
            "ids=a,b,c", "q=a/b?c:d@e", "q=%E2%82%AC", "",
    })
    void acceptsWellFormedQueries(String query) {
        assertThat(RequestTargets.problemWithQuery(query)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '~', value = {
            "/a\\b => a '\\' at position 3",
            "/a|b => a '|' at position 3",
            "/{x} => a '{' at position 2",
            "/x} => a '}' at position 3",
            "/a^b => a '^' at position 3",
            "/a\"b => a '\"' at position 3",
            "/a<b> => a '<' at position 3",
            "/a`b => a '`' at position 3",
            "/a b => a space at position 3",
            "/a[1] => a '[' at position 3",
            "/a#b => a '#' at position 3",
            "/a?b => a '?' at position 3",
            "/é => a byte outside ASCII (0xE9) at position 2",
            "/a% => a '%' at position 3 that is not followed by two hex digits",
            "/a%zz => a '%' at position 3 that is not followed by two hex digits",
            "/a%4 => a '%' at position 3 that is not followed by two hex digits",
    })
    void namesTheFirstCharacterAPathCannotHold(String path, String problem) {
        assertThat(RequestTargets.problemWithPath(path)).hasValueSatisfying(message ->
                assertThat(message).startsWith("The request path has " + problem).contains("RFC 3986"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"after=1|2", "q={}", "q=\"x\"", "q=<script>", "q=a^b", "q=a\\b", "q=`", "q=%", "q=%g1",
            "q=a b", "q=\u0001", "q=a#b"})
    void refusesQueriesWithCharactersAUriCannotHold(String query) {
        assertThat(RequestTargets.problemWithQuery(query)).hasValueSatisfying(message ->
                assertThat(message).startsWith("The request query has "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1:8080", "parley.example.org", "[::1]:8080", "[2001:db8::1]", "x:",
            ""})
    void acceptsHosts(String host) {
        assertThat(RequestTargets.problemWithHost(host)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "[zz", "x|y", "x:port", "x/y", "[::1", "a@b", "x:1:2"})
    void refusesMalformedHosts(String host) {
        assertThat(RequestTargets.problemWithHost(host)).isPresent();
    }

    /** The expression the {@code Host} check was written as before it was read character by character. */
    private static final java.util.regex.Pattern RFC_3986_HOST = java.util.regex.Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+]|([A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(:[0-9]*)?");

    /** Every string of up to 6 characters drawn from the characters that decide, and 20,000 longer random ones. */
    @Test
    void theHostCheckAgreesWithRfc3986sGrammarAsARegularExpression() {
        char[] alphabet = {'a', 'Z', '0', '9', 'f', 'G', '-', '.', '_', '~', '!', '=', '%', ':', '[', ']', '@', '/', ' ',
                '\u00e9'};
        java.util.Random random = new java.util.Random(16);
        int checked = 0;
        StringBuilder host = new StringBuilder();
        for (int n = 0; n < 200_000; n++) {
            host.setLength(0);
            int length = n < 100_000 ? random.nextInt(7) : 7 + random.nextInt(30);
            for (int i = 0; i < length; i++) {
                host.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = host.toString();
            assertThat(RequestTargets.problemWithHost(text).isEmpty())
                    .as("host %s", text).isEqualTo(RFC_3986_HOST.matcher(text).matches());
            checked++;
        }
        for (String text : new String[]{"[::1]", "[::1]:", "[]", "[::1]x", "%41b:80", "%4", "%4g", "a%41", ":80", ":"}) {
            assertThat(RequestTargets.problemWithHost(text).isEmpty())
                    .as("host %s", text).isEqualTo(RFC_3986_HOST.matcher(text).matches());
        }
        assertThat(checked).isEqualTo(200_000);
    }

    /** Every request and handshake passes the check: a well-formed host allocates nothing (the expression ~0.6 KB). */
    @Test
    void aWellFormedHostIsCheckedWithoutAllocating() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        String[] hosts = {"127.0.0.1:18080", "parley.example.org", "[2001:db8::1]:443"};
        for (int i = 0; i < 20_000; i++) {
            RequestTargets.problemWithHost(hosts[i % hosts.length]);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 3_000; i++) {
            if (RequestTargets.problemWithHost(hosts[i % hosts.length]).isPresent()) {
                throw new AssertionError(hosts[i % hosts.length]);
            }
        }
        assertThat((threads.getCurrentThreadAllocatedBytes() - before) / 3_000).isLessThan(16);
    }
}
