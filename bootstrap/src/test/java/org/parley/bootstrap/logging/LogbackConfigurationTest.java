package org.parley.bootstrap.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import org.glassfish.grizzly.http.HttpBrokenContentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * The production {@code logback.xml}, loaded into a fresh logging context whose console appender's encoder writes into
 * memory: what Parley would print, line by line. Every log line passes the masking of secrets by key, an exception's
 * stack trace is printed in full once and as one line after that, and client faults are not logged.
 */
class LogbackConfigurationTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void loadTheProductionConfiguration() throws Exception {
        URL configuration = getClass().getResource("/logback.xml");
        assertThat(configuration).as("bootstrap's logback.xml on the class path").isNotNull();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(configuration);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT");
        Encoder<ILoggingEvent> encoder = console.getEncoder();
        root.detachAppender(console);
        AppenderBase<ILoggingEvent> memory = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                synchronized (printed) {
                    printed.writeBytes(encoder.encode(event));
                }
            }
        };
        memory.setContext(context);
        memory.start();
        root.addAppender(memory);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void messagesAreMaskedByKeyAndKeepTheirText() {
        Logger log = context.getLogger("org.parley.test");

        log.error("Parley could not start: Wrong user name or password [28000-252] (password=o)");
        log.warn("Retrying jdbc:postgresql://admin:hunter2@db:5432/parley?user=admin&password=hunter2&ssl=true");
        log.warn("Body was {}", "{\"email\":\"ada@example.com\",\"password\":\"correct horse\",\"access\":\"x\"}");
        log.info("Header Authorization: Bearer abc.def.ghi seen");

        assertThat(lines()).containsExactly(
                "Parley could not start: Wrong user name or password [28000-252] (password=***)",
                "Retrying jdbc:postgresql://admin:***@db:5432/parley?user=admin&password=***&ssl=true",
                "Body was {\"email\":\"ada@example.com\",\"password\":\"***\",\"access\":\"x\"}",
                "Header Authorization: Bearer *** seen");
    }

    @Test
    void exceptionMessagesAreMaskedToo() {
        Logger log = context.getLogger("org.parley.test");

        log.error("Storing failed", new IllegalStateException("connect with password=o failed",
                new SQLException("{\"token\":\"abc\"} refused for jdbc:h2:file:/d;PASSWORD=pw")));

        String text = String.join("\n", lines());
        assertThat(text)
                .contains("java.lang.IllegalStateException: connect with password=*** failed")
                .contains("java.sql.SQLException: {\"token\":\"***\"} refused for jdbc:h2:file:/d;PASSWORD=***")
                .doesNotContain("=o ").doesNotContain("abc").doesNotContain("=pw");
    }

    @Test
    void aStackTraceIsPrintedInFullOnceAndAsOneLineAfterThat() {
        Logger log = context.getLogger("org.parley.test");

        for (int i = 1; i <= 3; i++) {
            log.error("Storing message {} failed", i, failure("database is down (attempt " + i + ")"));
        }
        List<String> lines = lines();
        int first = lines.indexOf(lines.stream().filter(line -> line.startsWith("Storing message 1")).findFirst().orElseThrow());
        assertThat(lines.get(first)).isEqualTo("Storing message 1 failed [stack trace #1]");
        assertThat(lines.get(first + 1)).isEqualTo("java.lang.IllegalStateException: database is down (attempt 1)");
        assertThat(lines.stream().filter(line -> line.startsWith("\tat "))).hasSizeGreaterThan(3);
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
                "Storing message 2 failed [java.lang.IllegalStateException: database is down (attempt 2)"
                        + " <- java.sql.SQLException: refused; stack trace #1 as logged before, seen 2 times]",
                "Storing message 3 failed [java.lang.IllegalStateException: database is down (attempt 3)"
                        + " <- java.sql.SQLException: refused; stack trace #1 as logged before, seen 3 times]");

        int before = lines.size();
        log.error("Another place failed", new IllegalArgumentException("elsewhere"));
        assertThat(lines().size() - before).as("a new stack trace is printed in full").isGreaterThan(3);
    }

    @Test
    void everyEventIsOneLineWhateverItsMessageHolds() {
        Logger log = context.getLogger("org.parley.test");

        log.warn("first\nforged 2026-01-01 INFO line\r\nthird");

        assertThat(lines()).containsExactly("first\\nforged 2026-01-01 INFO line\\nthird");
    }

    @Test
    void clientFaultsAreNotLoggedAboveDebugButServerFaultsAre() {
        Logger grizzly = context.getLogger("org.glassfish.grizzly.filterchain.DefaultFilterChain");

        grizzly.warn("GRIZZLY0013: Exception during FilterChain execution",
                new HttpBrokenContentException("Invalid byte representing a hex value within a chunk length"));
        grizzly.warn("GRIZZLY0013: Exception during FilterChain execution",
                new IllegalStateException("wrapped", new HttpBrokenContentException("bad chunk")));
        assertThat(lines()).isEmpty();

        grizzly.warn("GRIZZLY0013: Exception during FilterChain execution", new IllegalStateException("a bug"));
        assertThat(lines()).first().asString().startsWith("GRIZZLY0013: Exception during FilterChain execution");

        int before = lines().size();
        context.getLogger("org.glassfish.grizzly").setLevel(ch.qos.logback.classic.Level.DEBUG);
        grizzly.warn("GRIZZLY0013: Exception during FilterChain execution", new HttpBrokenContentException("bad"));
        assertThat(lines().size()).as("a logger at DEBUG shows client faults").isGreaterThan(before);
    }

    @Test
    void aClientHangingUpIsNotLoggedButAnIoFailureOfTheServerIs() {
        Logger jersey = context.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");
        Logger rest = context.getLogger("org.parley.adapter.rest.FailureMapper");

        IOException reset = thrownBy("sun.nio.ch.SocketDispatcher", new IOException("Connection reset by peer"));
        jersey.error("An I/O error has occurred while writing a response message entity to the container output stream.",
                new IllegalStateException(thrownBy("org.glassfish.grizzly.http.io.OutputBuffer",
                        new IOException("Connection closed", reset))));
        rest.error("Unhandled failure on {} /{}", "POST", "auth/token/",
                thrownBy("org.glassfish.grizzly.nio.transport.TCPNIOTransport", new EOFException()));
        assertThat(lines()).isEmpty();

        rest.error("Unhandled failure on {} /{}", "GET", "chat/user/threads/", new IllegalStateException("storage",
                thrownBy("org.postgresql.core.VisibleBufferedInputStream", new EOFException())));
        assertThat(lines()).first().asString().startsWith("Unhandled failure on GET /chat/user/threads/");
    }

    private static <T extends Throwable> T thrownBy(String className, T failure) {
        failure.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "read", "X.java", 1)});
        return failure;
    }

    /** An exception thrown at one place in the code, so that every call has the same stack trace. */
    private static IllegalStateException failure(String message) {
        return new IllegalStateException(message, new SQLException("refused"));
    }

    /** What was printed, line by line, each without the timestamp, level, thread and logger before the message. */
    private List<String> lines() {
        String text;
        synchronized (printed) {
            text = printed.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\\R"))
                .filter(line -> !line.isEmpty())
                .map(line -> line.matches("^\\d{4}-\\d{2}-\\d{2}T.*? - .*") ? line.substring(line.indexOf(" - ") + 3) : line)
                .toList();
    }
}
