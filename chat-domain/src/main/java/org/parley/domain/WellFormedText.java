package org.parley.domain;

import java.util.Optional;

/**
 * The rule that text is valid Unicode: a Java string is a sequence of UTF-16 code units, and only a well-formed one
 * (every high surrogate {@code U+D800–U+DBFF} directly followed by a low surrogate {@code U+DC00–U+DFFF}, no low
 * surrogate on its own) stands for Unicode characters. An unpaired surrogate cannot be encoded as UTF-8, so text
 * holding one could be neither stored faithfully nor sent to a client (Parley's contract §10; the Unicode Standard,
 * §3.9 "Unicode Encoding Forms", D89; RFC 8259 §8.2).
 *
 * <p>Every text-bearing domain value checks its text with {@link #require}; adapters refuse such text at their entrance
 * with {@link #isWellFormed} before it reaches the domain, and storage adapters reading rows written before the rule
 * existed repair them with {@link #replaceUnpairedSurrogates}.
 */
public final class WellFormedText {

    /** U+FFFD REPLACEMENT CHARACTER, the Unicode Standard's stand-in for what cannot be decoded. */
    public static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private WellFormedText() {
    }

    /** Whether {@code text} is well-formed UTF-16 (valid Unicode); {@code null} and empty text are. */
    public static boolean isWellFormed(CharSequence text) {
        return text == null || firstUnpairedSurrogate(text) < 0;
    }

    /**
     * Returns {@code text} unchanged when it is well-formed ({@code null} included).
     *
     * @param subject what the text is, for the violation
     * @throws DomainRuleViolation when {@code text} holds an unpaired surrogate
     */
    public static String require(RuleSubject subject, String text) {
        Optional<DomainRuleViolation> violation = violation(subject, text);
        if (violation.isPresent()) {
            throw violation.get();
        }
        return text;
    }

    /**
     * The violation {@link #require} would throw, for callers that collect every broken field of a form; empty when
     * {@code text} is well-formed.
     */
    public static Optional<DomainRuleViolation> violation(RuleSubject subject, String text) {
        return isWellFormed(text) ? Optional.empty() : Optional.of(new DomainRuleViolation(subject,
                "The text is not valid Unicode (it holds an unpaired UTF-16 surrogate)"));
    }

    /**
     * {@code text} with every unpaired surrogate replaced by {@link #REPLACEMENT_CHARACTER} (as a UTF-8 decoder that
     * replaces errors would show it); well-formed text and {@code null} are returned as they are.
     */
    public static String replaceUnpairedSurrogates(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnpairedSurrogate(text);
        if (first < 0) {
            return text;
        }
        StringBuilder repaired = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                repaired.append(c).append(text.charAt(++i));
            } else {
                repaired.append(Character.isSurrogate(c) ? REPLACEMENT_CHARACTER : c);
            }
        }
        return repaired.toString();
    }

    /** The index of the first unpaired surrogate, or -1. */
    private static int firstUnpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
