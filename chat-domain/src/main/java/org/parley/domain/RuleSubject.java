package org.parley.domain;

/**
 * What a broken rule is about, in the domain's words: the subject of a {@link DomainRuleViolation}, and of the
 * application's validation failures and conflicts. It names no client field: each driving adapter maps every subject
 * to the name its own clients use (the text of a websocket frame is {@code message_body}, the caption of an upload
 * {@code message}), with an exhaustive {@code switch}, so a new subject is a compile error there until it is named.
 */
public enum RuleSubject {
    /** The text of a text message (and the length rule that captions share). */
    TEXT,
    /** The caption of a file message. */
    CAPTION,
    /** The name a sender gives an attached file. */
    ATTACHMENT_NAME,
    /** The person a message is sent to. */
    RECEIVER,
    /** The person who writes a message. */
    SENDER,
    /** The id a client gives its own send request, echoed back to it. */
    CLIENT_MESSAGE_ID,
    /** A user's id. */
    USER_ID,
    /** A user's e-mail address. */
    EMAIL,
    /** A user's password. */
    PASSWORD,
    /** A user's full name. */
    FULLNAME,
    /** A user's phone number. */
    PHONE_NUMBER,
    /** A user's country code. */
    COUNTRY_CODE,
    /** A user's gender. */
    GENDER,
    /** A link to a user's photo. */
    PROFILE_PHOTO,
    /** The kind of account a user has (the seed's {@code account_type}, e.g. {@code user}). */
    ACCOUNT_TYPE,
    /** How many messages a page of history holds. */
    PAGE_SIZE,
    /** The message a page of history ends before (paging back). */
    PAGE_BEFORE,
    /** The message a page of history starts after (catching up). */
    PAGE_AFTER
}
