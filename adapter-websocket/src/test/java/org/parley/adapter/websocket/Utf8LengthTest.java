package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ChatEndpoint#utf8Length} against an oracle that counts code points (RFC 3629: 1 byte below U+0080, 2 below
 * U+0800, 3 below U+10000, 4 above; a lone surrogate, which {@link String#codePoints} yields as itself, 3), for any
 * mix of ASCII runs, other BMP characters, pairs and lone surrogates, wherever the first non-ASCII unit stands.
 */
class Utf8LengthTest {

    @Property
    void countsWhatTheCodePointsNeed(@ForAll("texts") String text) {
        long expected = text.codePoints()
                .mapToLong(cp -> cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)
                .sum();

        assertThat(ChatEndpoint.utf8Length(text)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(300);
        Arbitrary<String> anyUnits = Arbitraries.strings().all().ofMaxLength(20);
        Arbitrary<String> pairs = Arbitraries.of("😀", "𝄞", "\ud83d", "\ude00", "é", "日", "\u0080", "\u07ff", "\u0800");
        return Arbitraries.oneOf(ascii, anyUnits, pairs).list().ofMaxSize(8).map(parts -> String.join("", parts));
    }
}
