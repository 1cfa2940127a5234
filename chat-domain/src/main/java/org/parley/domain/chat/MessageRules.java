package org.parley.domain.chat;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

/** The configurable limits a new message must respect. */
public record MessageRules(int maxTextLength) {

    public static final int DEFAULT_MAX_TEXT_LENGTH = 10_000;

    public MessageRules {
        if (maxTextLength < 1) {
            throw new IllegalArgumentException("maxTextLength must be at least 1, got " + maxTextLength);
        }
    }

    public static MessageRules defaults() {
        return new MessageRules(DEFAULT_MAX_TEXT_LENGTH);
    }

    /**
     * New text content, checked against these rules. Length counts Unicode code points, so an emoji is one
     * character, as a person would count it.
     */
    public MessageContent.Text text(String body) {
        MessageContent.Text text = new MessageContent.Text(body);
        if (body.codePointCount(0, body.length()) > maxTextLength) {
            throw new DomainRuleViolation(RuleSubject.TEXT,
                    "A text message can have at most " + maxTextLength + " characters");
        }
        return text;
    }
}
