package org.parley.bootstrap.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The raw material of the entrance properties: strings that make trouble (unpaired surrogates, NUL and other control
 * characters, invisible and bidirectional formatting, non-characters, casing that changes length, lengths around each
 * limit), JSON numbers of every shape, and random JSON trees. Every arbitrary shrinks towards short lower-case ASCII,
 * so a failure is reported with the smallest input that still fails.
 */
final class NastyInput {

    /** One code unit each: what breaks encoders, parsers, databases and eyes. */
    static final List<String> TROUBLE = List.of(
            "\ud83d", "\ude00", "\udbff", "\udc00", // unpaired surrogates (high, low)
            "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\u000b", "\f", "\r", "\u001b", "\u001f", "\u007f",
            "\u0080", "\u0085", "\u009f", // C1 controls (U+0085: next line)
            "\u00a0", "\u1680", "\u2000", "\u2007", "\u202f", "\u3000", // spaces Java's isBlank does or does not count
            "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2060",
            "\u2066", "\u2069", "\ufeff", // invisible and bidirectional formatting, byte order mark
            "\ufffd", "\ufffe", "\uffff", // replacement character, non-characters
            "\u0130", "\u00df", "\u0301", "\u03a3", // casing that changes length (İ), ß, a combining accent, Σ
            "\"", "\\", "/", "<", ">", "{", "}", "%", "'", "`", "&", "@", ".", " ");

    /** Well-formed snippets that are longer than one code unit. */
    static final List<String> SNIPPETS = List.of(
            "\ud83d\ude00", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "\ud83c\udff3\ufe0f\u200d\ud83c\udf08",
            "e\u0301", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\\u0000",
            "\\ud83d", "null", "true", "{}", "[]", "</script>", "'; DROP TABLE users; --", "%00", "%ZZ", "${jndi:x}");

    private NastyInput() {
    }

    /** Short strings (up to 24 pieces) mixing letters, printable ASCII, trouble and snippets. */
    static Arbitrary<String> strings() {
        return piece().list().ofMaxSize(24).map(NastyInput::join);
    }

    /** Like {@link #strings()} but never empty. */
    static Arbitrary<String> nonEmptyStrings() {
        return piece().list().ofMinSize(1).ofMaxSize(24).map(NastyInput::join);
    }

    /**
     * Strings whose length in code points lies right around one of {@code limits} (one below, at, one above), or
     * anywhere up to twice the largest: one repeated character (1 to 4 UTF-8 bytes), optionally with one piece of
     * trouble inside.
     */
    static Arbitrary<String> around(int... limits) {
        int largest = IntStream.of(limits).max().orElse(1);
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(IntStream.of(limits).boxed().toList())
                        .flatMap(limit -> Arbitraries.integers().between(Math.max(0, limit - 1), limit + 1))),
                Tuple.of(1, Arbitraries.integers().between(0, 2 * largest)));
        Arbitrary<String> fill = Arbitraries.of("a", "\u00e9", "\u20ac", "\ud83d\ude00", " ");
        Arbitrary<String> inside = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just("")),
                Tuple.of(1, piece()));
        return Combinators.combine(lengths, fill, inside, Arbitraries.doubles().between(0, 1))
                .as((length, character, extra, where) -> {
                    StringBuilder text = new StringBuilder(character.repeat(length));
                    if (!extra.isEmpty() && length > 0) {
                        int at = text.offsetByCodePoints(0, (int) (where * (length - 1)));
                        text.replace(at, text.offsetByCodePoints(at, 1), extra);
                    }
                    return text.toString();
                });
    }

    /** Field names: the frames' and bodies' own names (so unknown actions get known fields), or anything. */
    static Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("action", "message_body", "receiver_id", "client_msg_id", "chat_id",
                        "attached_profile_id", "email", "password", "fullname", "refresh", "is_active", "")),
                Tuple.of(3, strings()));
    }

    /**
     * JSON numbers of every shape: small and negative integers, {@code -0}, integral floats ({@code 1.0},
     * {@code 1e2}), fractions, huge exponents ({@code 1e400}), integers beyond a long, and very long literals.
     */
    static Arbitrary<JsonTree> numbers() {
        Arbitrary<String> literal = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(-5, 1_000_000).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("-0", "0.0", "1.0", "1e2", "1E+2", "2.5", "-1", "1e400", "-1e-400",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.5e-7")),
                Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40)
                        .map(digits -> "9" + digits)),
                Tuple.of(1, Arbitraries.of(600, 1_200).map(length -> "1" + "0".repeat(length))));
        return literal.map(JsonTree.Num::new);
    }

    /** Scalars: strings, numbers, booleans, null. */
    static Arbitrary<JsonTree> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, strings().map(JsonTree::string)),
                Tuple.of(2, numbers()),
                Tuple.of(1, Arbitraries.of(true, false).map(JsonTree.Bool::new)),
                Tuple.of(1, Arbitraries.just(JsonTree.NULL)));
    }

    /** Random JSON trees up to {@code maxDepth} containers deep, with up to four members or items per container. */
    static Arbitrary<JsonTree> trees(int maxDepth) {
        return Arbitraries.recursive(NastyInput::scalars, NastyInput::containersOf, 0, maxDepth);
    }

    /** A value that is not a string: number, boolean, null, array or object (possibly nested). */
    static Arbitrary<JsonTree> notStrings() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, numbers()),
                Tuple.of(1, Arbitraries.of(true, false).map(JsonTree.Bool::new)),
                Tuple.of(1, Arbitraries.just(JsonTree.NULL)),
                Tuple.of(2, containersOf(scalars())),
                Tuple.of(1, Arbitraries.just(new JsonTree.Arr(List.of()))),
                Tuple.of(1, Arbitraries.just(JsonTree.object())));
    }

    /** An array or an object of elements from {@code elements}. */
    static Arbitrary<JsonTree> containersOf(Arbitrary<JsonTree> elements) {
        Arbitrary<JsonTree> arrays = elements.list().ofMaxSize(4).map(JsonTree.Arr::new);
        Arbitrary<JsonTree> objects = Arbitraries.maps(keys(), elements).ofMaxSize(4).map(NastyInput::object);
        return Arbitraries.oneOf(arrays, objects);
    }

    /** Up to {@code max} extra members, none named like one of {@code taken}. */
    static Arbitrary<Map<String, JsonTree>> extraMembers(int max, List<String> taken) {
        return Arbitraries.maps(keys().filter(key -> !taken.contains(key)), trees(2)).ofMaxSize(max);
    }

    static JsonTree.Obj object(Map<String, JsonTree> members) {
        List<JsonTree.Member> list = new ArrayList<>();
        members.forEach((key, value) -> list.add(new JsonTree.Member(key, value)));
        return new JsonTree.Obj(list);
    }

    /** An object of the present (non-null) members, in the given order, then the extras. */
    static JsonTree.Obj object(LinkedHashMap<String, JsonTree> present, Map<String, JsonTree> extras) {
        LinkedHashMap<String, JsonTree> all = new LinkedHashMap<>();
        present.forEach((key, value) -> {
            if (value != null) {
                all.put(key, value);
            }
        });
        extras.forEach(all::putIfAbsent);
        return object(all);
    }

    private static Arbitrary<String> piece() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.chars().range('a', 'z').map(String::valueOf)),
                Tuple.of(2, Arbitraries.chars().range(' ', '~').map(String::valueOf)),
                Tuple.of(3, Arbitraries.of(TROUBLE)),
                Tuple.of(1, Arbitraries.of(SNIPPETS)),
                Tuple.of(1, Arbitraries.chars().all().map(String::valueOf)));
    }

    private static String join(List<String> pieces) {
        return String.join("", pieces);
    }
}
