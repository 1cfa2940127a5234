package org.parley.adapter.rest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.TooLarge;
import org.parley.application.error.Unavailable;
import org.parley.application.error.UnknownUser;
import org.parley.application.error.UseCaseFailure;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP answer to each kind of use-case failure and to a broken domain rule, as {@link FailureMapper} sends it
 * (contract §2): a status, a failure envelope and, for validation failures and conflicts, {@code errors} by field
 * ({@link RestFieldNames}). Implementing {@link UseCaseFailure.Cases} makes a new kind of failure a compile error here.
 */
final class UseCaseAnswers implements UseCaseFailure.Cases<Response> {

    /** Under {@link FailureMapper}'s name: the REST adapter's failures are logged there. */
    private static final Logger LOG = LoggerFactory.getLogger(FailureMapper.class);

    @Override
    public Response validationFailed(ValidationFailed failure) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        failure.problems().forEach((subject, problems) -> errors.merge(RestFieldNames.of(subject), problems,
                (earlier, later) -> Stream.concat(earlier.stream(), later.stream()).toList()));
        return FailureMapper.respond(ApiError.VALIDATION_ERROR, failure.getMessage(), errors).build();
    }

    @Override
    public Response authenticationFailed(AuthenticationFailed failure) {
        LOG.debug("Authentication failed: {}", failure.reason());
        return FailureMapper.respond(ApiError.UNAUTHORIZED, failure.getMessage())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    @Override
    public Response conflict(Conflict failure) {
        return FailureMapper.respond(ApiError.CONFLICT, failure.getMessage(), onField(failure.subject(), failure))
                .build();
    }

    @Override
    public Response notFound(NotFound failure) {
        return FailureMapper.respond(ApiError.NOT_FOUND, failure.getMessage()).build();
    }

    @Override
    public Response unknownUser(UnknownUser failure) {
        return FailureMapper.respond(ApiError.NOT_FOUND, failure.getMessage()).build();
    }

    @Override
    public Response tooLarge(TooLarge failure) {
        return FailureMapper.respond(ApiError.TOO_LARGE, failure.getMessage()).header("Connection", "close").build();
    }

    /**
     * 429 with {@code Retry-After} in whole seconds, rounded up (contract §16): a client that waits that long is let
     * through.
     */
    @Override
    public Response rateLimited(RateLimited failure) {
        return FailureMapper.respond(ApiError.RATE_LIMITED, failure.getMessage())
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(failure.retryAfter()))
                .build();
    }

    /** 503 with {@code Retry-After}: the server is busy (password hashing at its bound), the caller did nothing wrong. */
    @Override
    public Response unavailable(Unavailable failure) {
        return FailureMapper.respond(ApiError.UNAVAILABLE, failure.getMessage())
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(failure.retryAfter()))
                .build();
    }

    /** A wait as {@code Retry-After}'s whole seconds, rounded up (at least 1). */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    @Override
    public Response domainRuleBroken(DomainRuleViolation violation) {
        return FailureMapper.respond(ApiError.VALIDATION_ERROR, violation.getMessage(),
                onField(violation.subject(), violation)).build();
    }

    private static Map<String, List<String>> onField(RuleSubject subject, RuntimeException failure) {
        return Map.of(RestFieldNames.of(subject), List.of(failure.getMessage()));
    }
}
