package org.parley.adapter.websocket;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import org.slf4j.LoggerFactory;

/** Everything logged through SLF4J at INFO or above while it is open, each event as the text it would print. */
final class CapturedLog implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    CapturedLog() {
        appender.start();
        root.addAppender(appender);
    }

    /** The events so far, each as its message followed by its stack trace (if any). */
    List<String> lines() {
        return appender.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(event -> event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .toList();
    }

    /** The events so far that contain {@code text}. */
    List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
