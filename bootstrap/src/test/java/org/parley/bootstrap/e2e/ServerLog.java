package org.parley.bootstrap.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;

import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * What a server running in this JVM prints, line by line, as its production configuration ({@code logback.xml}) would
 * print it on a fresh start: an appender beside the console appender, on the root logger, with a new encoder of the
 * console's pattern (its own memory of stack traces seen, so the first occurrence of a stack trace counts all its
 * lines). While capturing, {@code java.util.logging} (Grizzly, Jersey, Tyrus) is routed into SLF4J as
 * {@code ParleyServer.main} routes it.
 */
final class ServerLog implements AutoCloseable {

    private final Logger root;
    private final Appender<ILoggingEvent> appender;
    private final Handler[] julHandlers;
    private final List<String> lines = new ArrayList<>();

    private ServerLog(Logger root, Encoder<ILoggingEvent> encoder, Handler[] julHandlers) {
        this.root = root;
        this.julHandlers = julHandlers;
        AppenderBase<ILoggingEvent> memory = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
                synchronized (lines) {
                    Arrays.stream(text.split("\\R")).filter(line -> !line.isEmpty()).forEach(lines::add);
                }
            }
        };
        memory.setName("entrance-properties");
        memory.setContext(root.getLoggerContext());
        memory.start();
        this.appender = memory;
        root.addAppender(memory);
    }

    /** Starts capturing. */
    static ServerLog capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDOUT") instanceof OutputStreamAppender<ILoggingEvent> console)
                || !(console.getEncoder() instanceof PatternLayoutEncoder consoleEncoder)) {
            throw new IllegalStateException("expected logback.xml's console appender STDOUT with a pattern");
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(consoleEncoder.getPattern());
        encoder.start();
        java.util.logging.Logger julRoot = LogManager.getLogManager().getLogger("");
        Handler[] julHandlers = julRoot.getHandlers();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new ServerLog(root, encoder, julHandlers);
    }

    /** How many lines have been printed so far. */
    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** The lines printed since {@code mark}. */
    List<String> since(int mark) {
        synchronized (lines) {
            return List.copyOf(lines.subList(mark, lines.size()));
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        SLF4JBridgeHandler.uninstall();
        java.util.logging.Logger julRoot = LogManager.getLogManager().getLogger("");
        for (Handler handler : julHandlers) {
            julRoot.addHandler(handler);
        }
    }
}
