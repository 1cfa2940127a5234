package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;
import org.slf4j.LoggerFactory;

/**
 * Tokens travel in the query string: nothing Parley, Tyrus or Grizzly logs at INFO or above may contain one, through
 * successful and refused handshakes, error frames, failures and closes.
 */
class NoSecretsInLogsTest {

    private static final String SECRET = "token-alice";

    @Test
    void noTokenOrQueryStringReachesTheLogs() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler julCapture = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    logged.add(formatter.format(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julRoot.addHandler(julCapture);
        Logger logbackRoot = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logbackRoot.addAppender(appender);
        try {
            exerciseEverything();
        } finally {
            julRoot.removeHandler(julCapture);
            logbackRoot.detachAppender(appender);
        }
        for (ILoggingEvent event : appender.list) {
            if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)) {
                String proxy = event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
                logged.add(event.getFormattedMessage() + proxy);
            }
        }

        assertThat(logged).as("something was logged, so the capture works").isNotEmpty();
        assertThat(logged).allSatisfy(line -> assertThat(line).doesNotContain(SECRET).doesNotContain("token="));
    }

    private static void exerciseEverything() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            assertThatThrownBy(() -> WsClient.connect(server.uri("fail-EXPIRED_TOKEN"))).isNotNull();
            assertThatThrownBy(() -> WsClient.connect(server.uri("explode"))).isNotNull();
            WsClient a = server.connect(alice);
            a.send("nonsense");
            a.next();
            a.sendBinary(new byte[] {7});
            a.next();
            server.sendFailure.set(new IllegalStateException("boom"));
            a.sendJson(Map.of("action", "text_message", "message_body", "x", "receiver_id", bob.id().toString()));
            a.next();
            server.sendFailure.set(null);
            a.send("y".repeat(70_000));
            assertThat(a.awaitClose()).isEqualTo(1009);
            WsClient again = server.connect(alice);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.connections.count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            server.webSocket.closeAll();
            assertThat(again.awaitClose()).isEqualTo(1001);
            // The server has handled the close once onClose has removed the connection: wait for that, not a fixed time.
            long closedBy = System.nanoTime() + 10_000_000_000L;
            while (server.connections.count() > 0) {
                assertThat(System.nanoTime()).as("the closed connection leaves the registry").isLessThan(closedBy);
                Thread.sleep(10);
            }
        }
    }
}
