package org.parley.adapter.rest;

import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.assertFailure;

/** Unexpected failures are logged server-side with what helps (method, path, cause), never tokens or query strings. */
class FailureLoggingTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(FailureMapper.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private TestApi api;

    @BeforeEach
    void start() {
        events.start();
        logger.addAppender(events);
        api = TestApi.start(TestApi.settings(Optional.empty()), useCases -> TestApi.withListing(useCases,
                query -> {
                    throw new IllegalStateException("SQL failure, secret detail");
                },
                useCases.listMyThreads()));
    }

    @AfterEach
    void stop() {
        api.close();
        logger.detachAppender(events);
    }

    @Test
    void logsAnUnexpectedFailureWithoutTokenOrQueryString() {
        User user = api.user("log@example.com", "Log");
        User other = api.user("other@example.com", "Other");
        String token = api.tokenFor(user);

        assertFailure(api.get("/chat/messages/" + other.id() + "/?limit=7&before=99", token), 500, "internal_error");

        assertThat(events.list).hasSize(1);
        ILoggingEvent event = events.list.get(0);
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getFormattedMessage())
                .contains("GET", "/chat/messages/" + other.id())
                .doesNotContain("limit", "before", token);
        assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).contains("SQL failure, secret detail");
    }

    @Test
    void doesNotLogExpectedFailures() {
        User user = api.user("quiet@example.com", "Quiet");
        assertFailure(api.get("/chat/user/threads/", "bad-token"), 401, "unauthorized");
        assertFailure(api.get("/chat/messages/nope/", api.tokenFor(user)), 404, "not_found");
        assertFailure(api.get("/nowhere", null), 404, "not_found");
        TestApi.Reply wrongMethod = api.send(api.request("/auth/me/", null).DELETE());
        assertThat(assertFailure(wrongMethod, 405, "method_not_allowed").get("message").asText())
                .isEqualTo("Method \"DELETE\" not allowed.");
        assertThat(events.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
    }
}
