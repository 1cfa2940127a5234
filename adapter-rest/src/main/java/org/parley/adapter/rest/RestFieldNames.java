package org.parley.adapter.rest;

import org.parley.domain.RuleSubject;

/**
 * The name under which this API reports a broken rule in a failure envelope's {@code errors}: the name its clients
 * know for the subject (a body field, a query parameter). Exhaustive: a new {@link RuleSubject} is a compile error
 * here until it is named.
 *
 * <p>The upload form names two subjects its own way ({@code receiver}, {@code message}): see
 * {@link AttachmentUpload#formField}.
 */
final class RestFieldNames {

    private RestFieldNames() {
    }

    static String of(RuleSubject subject) {
        return switch (subject) {
            case TEXT -> "message_body";
            case CAPTION -> "message";
            case ATTACHMENT_NAME -> "attached_file_name";
            case RECEIVER -> "receiver_id";
            case SENDER -> "sender";
            case CLIENT_MESSAGE_ID -> "client_msg_id";
            // the admin API's path id and a user object's "id": a malformed user id never reaches a rule otherwise
            case USER_ID -> "id";
            case EMAIL -> "email";
            case PASSWORD -> "password";
            case FULLNAME -> "fullname";
            case PHONE_NUMBER -> "phone_number";
            case COUNTRY_CODE -> "country_code";
            case GENDER -> "gender";
            case PROFILE_PHOTO -> "profile_photo";
            case ACCOUNT_TYPE -> "account_type";
            case PAGE_SIZE -> "limit";
            case PAGE_BEFORE -> "before";
            case PAGE_AFTER -> "after";
        };
    }
}
