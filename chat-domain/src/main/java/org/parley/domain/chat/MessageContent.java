package org.parley.domain.chat;

import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;
import org.parley.domain.user.UserId;

/**
 * What a message carries; its kind decides the message's {@link MessageType}. A message its sender deleted carries
 * {@link Deleted}: nothing of what it said, only its kind (contract §12's tombstone).
 */
public sealed interface MessageContent {

    MessageType type();

    /**
     * Plain text: never blank, always valid Unicode ({@link WellFormedText}). The configured maximum length is checked where a new message is composed
     * ({@link MessageRules}), not here, so that stored messages stay readable if the maximum is lowered later.
     */
    record Text(String body) implements MessageContent {
        public Text {
            if (body == null || body.isBlank()) {
                throw new DomainRuleViolation(RuleSubject.TEXT, "A text message cannot be empty");
            }
            WellFormedText.require(RuleSubject.TEXT, body);
        }

        @Override
        public MessageType type() {
            return MessageType.TEXT;
        }
    }

    /** A file, with an optional caption ({@code null} or empty when there is none; valid Unicode). */
    record File(String caption, Attachment attachment) implements MessageContent {
        public File {
            Objects.requireNonNull(attachment, "attachment");
            WellFormedText.require(RuleSubject.CAPTION, caption);
        }

        @Override
        public MessageType type() {
            return MessageType.FILE;
        }
    }

    /** Another user's profile, shared as a contact card. */
    record ProfileShare(UserId profile) implements MessageContent {
        public ProfileShare {
            Objects.requireNonNull(profile, "profile");
        }

        @Override
        public MessageType type() {
            return MessageType.USER_PROFILE;
        }
    }

    /**
     * What a deleted message carries: nothing but the kind it had ({@code text}, {@code file} or
     * {@code user_profile}), so that history keeps the conversation's shape (contract §12). Its text, caption, file
     * and shared profile are gone.
     */
    record Deleted(MessageType type) implements MessageContent {
        public Deleted {
            Objects.requireNonNull(type, "type");
        }
    }
}
