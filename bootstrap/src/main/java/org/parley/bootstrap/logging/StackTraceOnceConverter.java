package org.parley.bootstrap.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * {@code %stackTraceOnce}: an event's exception, with its secrets masked ({@link SecretMasking}), printed in full only
 * the first time its stack trace is seen, and as the rest of the event's one line after that — so a failure repeated
 * a thousand times (a database outage refusing every message) writes a thousand lines, not a hundred thousand.
 *
 * <p>Place it right after the message, before {@code %n}. The first time, it appends {@code  [stack trace #k]} and the
 * full trace on the following lines; after that, {@code  [Type: message <- Cause: message; stack trace #k as logged
 * before, seen n times]}. Two exceptions have the same stack trace when their types and their
 * {@value #FRAMES_COMPARED} top frames are the same, along the whole chain of causes; messages are left out, as they
 * usually differ by an id. The {@value #REMEMBERED} most recently seen stack traces are remembered; one forgotten is
 * printed in full again.
 */
public final class StackTraceOnceConverter extends ThrowableProxyConverter {

    static final int FRAMES_COMPARED = 8;
    static final int REMEMBERED = 1_000;
    private static final int MAX_CAUSES = 10;

    private final Map<String, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REMEMBERED;
        }
    };
    private int lastNumber;

    /** How often a stack trace was seen, and the number it was first printed with. */
    private static final class Seen {
        final int number;
        long count = 1;

        Seen(int number) {
            this.number = number;
        }
    }

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null) {
            return "";
        }
        String signature = signature(thrown);
        Seen before;
        int number;
        long count;
        synchronized (seen) {
            before = seen.get(signature);
            if (before == null) {
                number = ++lastNumber;
                seen.put(signature, new Seen(number));
                count = 1;
            } else {
                number = before.number;
                count = ++before.count;
            }
        }
        if (before == null) {
            String trace = SecretMasking.mask(throwableProxyToString(thrown));
            return " [stack trace #" + number + "]" + CoreConstants.LINE_SEPARATOR + stripTrailingLineBreak(trace);
        }
        return " [" + MaskedMessageConverter.oneLine(SecretMasking.mask(summary(thrown))) + "; stack trace #" + number
                + " as logged before, seen " + count + " times]";
    }

    /** The exception's type and message, and each cause's, on one line. */
    static String summary(IThrowableProxy thrown) {
        StringBuilder text = new StringBuilder();
        IThrowableProxy current = thrown;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            if (depth > 0) {
                text.append(" <- ");
            }
            text.append(current.getClassName());
            if (current.getMessage() != null) {
                text.append(": ").append(current.getMessage());
            }
        }
        return text.toString();
    }

    private static String signature(IThrowableProxy thrown) {
        StringBuilder signature = new StringBuilder();
        IThrowableProxy current = thrown;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            signature.append(current.getClassName()).append('|');
            StackTraceElementProxy[] frames = current.getStackTraceElementProxyArray();
            for (int i = 0; frames != null && i < Math.min(FRAMES_COMPARED, frames.length); i++) {
                signature.append(frames[i].getSTEAsString()).append('|');
            }
        }
        return signature.toString();
    }

    private static String stripTrailingLineBreak(String text) {
        String separator = CoreConstants.LINE_SEPARATOR;
        return text.endsWith(separator) ? text.substring(0, text.length() - separator.length()) : text;
    }
}
