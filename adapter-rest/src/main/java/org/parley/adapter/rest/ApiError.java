package org.parley.adapter.rest;

/** The machine codes of failure envelopes, each with the HTTP status it goes with. */
enum ApiError {
    VALIDATION_ERROR("validation_error", 400),
    INVALID_JSON("invalid_json", 400),
    BAD_REQUEST("bad_request", 400),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    NOT_ACCEPTABLE("not_acceptable", 406),
    CONFLICT("conflict", 409),
    TOO_LARGE("too_large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    RATE_LIMITED("rate_limited", 429),
    INTERNAL_ERROR("internal_error", 500),
    UNAVAILABLE("unavailable", 503);

    private final String code;
    private final int status;

    ApiError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    /** The code for a status that Jersey itself decided (unknown route, wrong method …). */
    static ApiError forStatus(int status) {
        for (ApiError error : values()) {
            if (error.status == status && error != INVALID_JSON && error != BAD_REQUEST) {
                return error;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    }
}
