package org.parley.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class WellFormedTextTest {

    @Example
    void lone_and_reversed_surrogates_are_not_well_formed() {
        for (String broken : new String[] {"\ud83d", "\ude00", "a\ud83dx", "\ude00\ud83d", "ok\ud83d", "\ud83d\ud83d\ude00"}) {
            assertThat(WellFormedText.isWellFormed(broken)).as(escaped(broken)).isFalse();
        }
    }

    @Example
    void pairs_and_ordinary_text_are_well_formed() {
        for (String fine : new String[] {"", "hello", "😀", "a😀b", "\uFFFD", "\u0000\u001f", "👨\u200D👩\u200D👧"}) {
            assertThat(WellFormedText.isWellFormed(fine)).as(escaped(fine)).isTrue();
        }
        assertThat(WellFormedText.isWellFormed(null)).isTrue();
    }

    @Example
    void require_names_the_subject_and_does_not_echo_the_text() {
        assertThatThrownBy(() -> WellFormedText.require(RuleSubject.TEXT, "secret\ud83d"))
                .isInstanceOfSatisfying(DomainRuleViolation.class, violation -> {
                    assertThat(violation.subject()).isEqualTo(RuleSubject.TEXT);
                    assertThat(violation.getMessage()).doesNotContain("secret").contains("Unicode");
                });
        assertThat(WellFormedText.require(RuleSubject.TEXT, "fine 😀")).isEqualTo("fine 😀");
        assertThat(WellFormedText.require(RuleSubject.TEXT, null)).isNull();
    }

    @Example
    void replacing_turns_each_unpaired_surrogate_into_one_replacement_character() {
        assertThat(WellFormedText.replaceUnpairedSurrogates("a\ud83dx\ude00😀\ud83d"))
                .isEqualTo("a\uFFFDx\uFFFD😀\uFFFD");
        String fine = "nothing to do 😀";
        assertThat(WellFormedText.replaceUnpairedSurrogates(fine)).isSameAs(fine);
        assertThat(WellFormedText.replaceUnpairedSurrogates(null)).isNull();
    }

    /** Well-formed means exactly: a strict UTF-8 encoder (the JDK's, refusing errors) can encode it. */
    @Property
    void well_formed_exactly_when_strict_utf8_can_encode_it(@ForAll("utf16WithSurrogates") String text) {
        assertThat(WellFormedText.isWellFormed(text)).isEqualTo(strictlyEncodable(text));
    }

    @Property
    void replacing_always_yields_well_formed_text_of_the_same_length(@ForAll("utf16WithSurrogates") String text) {
        String repaired = WellFormedText.replaceUnpairedSurrogates(text);
        assertThat(WellFormedText.isWellFormed(repaired)).isTrue();
        assertThat(repaired).hasSameSizeAs(text);
        if (WellFormedText.isWellFormed(text)) {
            assertThat(repaired).isEqualTo(text);
        }
    }

    /** Strings of code units biased towards surrogates, so that pairs, lone halves and reversed pairs all occur. */
    @Provide
    Arbitrary<String> utf16WithSurrogates() {
        Arbitrary<Character> units = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.chars().range('\uD800', '\uDFFF')),
                Tuple.of(1, Arbitraries.chars().range('\uD83D', '\uD83D')),
                Tuple.of(1, Arbitraries.chars().range('\uDE00', '\uDE4F')),
                Tuple.of(3, Arbitraries.chars().all()));
        return units.list().ofMaxSize(12).map(list -> {
            StringBuilder text = new StringBuilder();
            list.forEach(text::append);
            return text.toString();
        });
    }

    private static boolean strictlyEncodable(String text) {
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString();
    }
}
