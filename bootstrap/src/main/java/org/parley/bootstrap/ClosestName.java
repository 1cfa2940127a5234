package org.parley.bootstrap;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a mistyped one was probably meant to be ({@code PARLEY_POTR}: {@code PARLEY_PORT}), for the warning
 * about an unknown setting.
 *
 * <p>Names are compared without case and without their {@code PARLEY_} prefix (so {@code PORT} in a configuration
 * file is taken for {@code PARLEY_PORT}), by the optimal string alignment distance (Damerau–Levenshtein restricted to
 * one edit per substring: insertions, deletions, substitutions and swaps of two neighbouring letters count one each).
 * A name cut short ({@code PARLEY_SEND_RATE} for {@code PARLEY_SEND_RATE_PER_SECOND}, at least
 * {@value #MIN_PREFIX} characters after the prefix) counts as one edit away. The closest name is suggested only when
 * at most half of the longer name has to change; of names equally close, the first in {@code known}'s order wins, so
 * the suggestion is the same on every run.
 */
final class ClosestName {

    static final String PREFIX = "PARLEY_";
    /** The shortest stem taken for a name cut short. */
    static final int MIN_PREFIX = 4;

    private ClosestName() {
    }

    /** The name of {@code known} closest to {@code name}, if one is close enough to be a likely typo. */
    static Optional<String> among(String name, Collection<String> known) {
        String wanted = stem(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            String stem = stem(candidate);
            int distance = distance(wanted, stem);
            if (wanted.length() >= MIN_PREFIX && stem.startsWith(wanted)) {
                distance = Math.min(distance, 1);
            }
            if (distance < bestDistance && distance <= Math.max(wanted.length(), stem.length()) / 2) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The optimal string alignment distance between {@code a} and {@code b}: the fewest insertions, deletions,
     * substitutions and swaps of two neighbouring characters that turn one into the other, no substring edited twice.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }

    /** The name in upper case, without its {@code PARLEY_} prefix. */
    private static String stem(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        return upper.startsWith(PREFIX) ? upper.substring(PREFIX.length()) : upper;
    }
}
