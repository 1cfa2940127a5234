package org.parley.domain.chat;

import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * The name a sender gives an attached file, made safe to show back: only the last path segment is kept (no
 * {@code /} or {@code \}), control and invisible formatting characters are dropped, surrounding blanks are stripped,
 * and it is cut to {@value #MAX_CODE_POINTS} characters. It is data only and never becomes part of a storage path.
 * A name that is not valid Unicode is refused ({@link WellFormedText}), not cleaned: the client sent broken text.
 */
public record AttachmentName(String value) {

    public static final int MAX_CODE_POINTS = 200;
    public static final String FALLBACK = "file";
    /** Invisible formatting characters are dropped (bidi overrides can disguise an extension), except these two,
     *  which emoji sequences and several scripts need. */
    private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    public AttachmentName {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An attachment name cannot be blank");
        }
        WellFormedText.require(RuleSubject.ATTACHMENT_NAME, value);
    }

    /** The clean form of what a client sent; {@value #FALLBACK} when nothing usable remains. */
    public static AttachmentName fromClient(String raw) {
        if (raw == null) {
            return new AttachmentName(FALLBACK);
        }
        WellFormedText.require(RuleSubject.ATTACHMENT_NAME, raw);
        StringBuilder kept = new StringBuilder();
        raw.codePoints()
                .filter(cp -> !Character.isISOControl(cp))
                .filter(cp -> Character.getType(cp) != Character.FORMAT || cp == ZERO_WIDTH_NON_JOINER
                        || cp == ZERO_WIDTH_JOINER)
                .filter(cp -> Character.getType(cp) != Character.LINE_SEPARATOR
                        && Character.getType(cp) != Character.PARAGRAPH_SEPARATOR)
                .forEach(kept::appendCodePoint);
        String cleaned = kept.toString();
        int lastSeparator = Math.max(cleaned.lastIndexOf('/'), cleaned.lastIndexOf('\\'));
        cleaned = cleaned.substring(lastSeparator + 1).strip();
        if (cleaned.equals(".") || cleaned.equals("..")) {
            cleaned = "";
        }
        if (cleaned.codePointCount(0, cleaned.length()) > MAX_CODE_POINTS) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, MAX_CODE_POINTS)).strip();
        }
        return new AttachmentName(cleaned.isEmpty() ? FALLBACK : cleaned);
    }
}
