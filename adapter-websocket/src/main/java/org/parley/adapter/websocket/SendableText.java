package org.parley.adapter.websocket;

/**
 * Whether a text can be written as a websocket text frame at all. A frame travels as UTF-8, and a Java string holding an
 * unpaired UTF-16 surrogate (which JSON allows as {@code "\ud83d"}) has no UTF-8 form: Tyrus's encoder throws a
 * {@link Error} for it. Checking a rendered frame once, before it is queued to any connection, turns that into a
 * failure of the message instead of one failure per recipient connection.
 */
final class SendableText {

    private SendableText() {
    }

    /** The index of the first unpaired surrogate in {@code text}, or -1 when it has none (then it encodes). */
    static int firstUnpairedSurrogate(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    /** @throws IllegalArgumentException naming the index (never the text) when {@code frame} cannot be encoded */
    static String require(String frame) {
        int index = firstUnpairedSurrogate(frame);
        if (index >= 0) {
            throw new IllegalArgumentException(
                    "The frame holds an unpaired UTF-16 surrogate at index " + index + " and cannot be encoded");
        }
        return frame;
    }
}
