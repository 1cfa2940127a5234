package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.error.Unavailable;
import org.slf4j.LoggerFactory;

/**
 * What a database outage looks like through {@link DatabaseAvailability}, with a clock the test moves: failures that
 * say the database cannot be reached become {@link Unavailable}, later units of work are refused without touching the
 * database until a probe is due, one probe at a time, and the log gets one line when the outage starts and one when it
 * ends, with the number of refusals.
 */
class DatabaseAvailabilityTest {

    private static final DatabaseSettings SETTINGS = new DatabaseSettings(
            "jdbc:postgresql://db.internal:5432/parley?password=hunter2", "parley", "hunter2", 10, Duration.ofSeconds(10));

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DatabaseAvailability availability = new DatabaseAvailability(SETTINGS, now::get);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DatabaseAvailability.class);
    private final AtomicInteger touched = new AtomicInteger();

    @BeforeEach
    void captureTheLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopCapturing() {
        logger.detachAppender(log);
    }

    @Test
    void anOutageIsRefusedAtOnceBetweenProbesLoggedOnceAndOverWhenAProbeSucceeds() {
        assertThat(availability.guard(1, () -> "up")).isEqualTo("up");

        assertThatThrownBy(() -> availability.guard(1, this::unreachable))
                .isInstanceOf(Unavailable.class)
                .satisfies(refusal -> assertThat(((Unavailable) refusal).retryAfter()).isPositive());
        assertThat(availability.isDown()).isTrue();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> availability.guard(3, this::answers)).isInstanceOf(Unavailable.class);
        }
        assertThat(touched).as("no unit of work reaches the database between probes").hasValue(1);

        now.addAndGet(DatabaseAvailability.PROBE_INTERVAL.toNanos());
        assertThatThrownBy(() -> availability.guard(1, this::unreachable)).isInstanceOf(Unavailable.class);
        assertThat(touched).as("the probe tried").hasValue(2);
        assertThatThrownBy(() -> availability.guard(1, this::answers)).isInstanceOf(Unavailable.class);
        assertThat(touched).as("the next probe waits for the next interval").hasValue(2);

        now.addAndGet(DatabaseAvailability.PROBE_INTERVAL.toNanos() + Duration.ofMillis(1500).toNanos());
        assertThat(availability.guard(1, this::answers)).isEqualTo("answered");
        assertThat(availability.isDown()).isFalse();
        assertThat(availability.guard(1, this::answers)).isEqualTo("answered");

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("The database at jdbc:postgresql://db.internal:5432/parley cannot be reached")
                .contains("(EOFException)").doesNotContain("hunter2");
        assertThat(lines.get(1)).isEqualTo("The database at jdbc:postgresql://db.internal:5432/parley answers again "
                + "after 3.5 s; 18 requests were refused meanwhile");
    }

    @Test
    void workThatBeganBeforeTheOutageWasFoundDoesNotEndIt() {
        // The outer unit of work began first (on a connection of its own); while it runs, another finds the outage.
        String outer = availability.guard(1, () -> {
            now.addAndGet(Duration.ofMillis(10).toNanos());
            assertThatThrownBy(() -> availability.guard(1, this::unreachable)).isInstanceOf(Unavailable.class);
            now.addAndGet(Duration.ofMillis(10).toNanos());
            return "finished";
        });
        assertThat(outer).isEqualTo("finished");
        assertThat(availability.isDown()).as("still down").isTrue();
        assertThat(log.list).hasSize(1);

        now.addAndGet(DatabaseAvailability.PROBE_INTERVAL.toNanos());
        assertThat(availability.guard(1, this::answers)).isEqualTo("answered");
        assertThat(availability.isDown()).isFalse();
        assertThat(log.list).hasSize(2);
    }

    @Test
    void aFailureThatIsNotAnOutageIsPassedOnUnchanged() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThatThrownBy(() -> availability.guard(1, () -> {
            throw bug;
        })).isSameAs(bug);
        assertThat(availability.isDown()).isFalse();
        assertThat(log.list).isEmpty();
    }

    @Test
    void connectionFailuresAreRecognisedWhereverTheyAreInTheCauseChain() {
        assertThat(DatabaseAvailability.isUnreachable(new SQLTransientConnectionException("pool timed out"))).isTrue();
        assertThat(DatabaseAvailability.isUnreachable(
                new JDBCConnectionException("broken", new SQLException("I/O error", "08006")))).isTrue();
        assertThat(DatabaseAvailability.isUnreachable(new RuntimeException(new SQLException("shutdown", "57P01"))))
                .isTrue();
        assertThat(DatabaseAvailability.isUnreachable(new RuntimeException(new EOFException()))).isTrue();
        assertThat(DatabaseAvailability.isUnreachable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseAvailability.isUnreachable(new IllegalArgumentException("bad"))).isFalse();
    }

    private String unreachable() {
        touched.incrementAndGet();
        throw new JDBCConnectionException("Unable to acquire JDBC Connection",
                new SQLException("An I/O error occurred", "08006", new EOFException()));
    }

    private String answers() {
        touched.incrementAndGet();
        return "answered";
    }
}
