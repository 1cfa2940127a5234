package org.parley.domain.chat;

/**
 * The three kinds of chat message of the seed API. How each is named on the wire ({@code message_type}) or coded in
 * storage is the business of the adapter that writes it.
 */
public enum MessageType {
    TEXT,
    FILE,
    USER_PROFILE
}
