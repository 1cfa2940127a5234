package org.parley.bootstrap.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %maskedMsg}: the event's message on one line, with its secrets masked by {@link SecretMasking}. Line breaks
 * in a message (a library's multi-line text, or client input that reached a message) are written as the two
 * characters {@code \n}, so that one event is one line and nobody can forge a log line.
 */
public final class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return oneLine(SecretMasking.mask(super.convert(event)));
    }

    static String oneLine(String text) {
        if (text == null || (text.indexOf('\n') < 0 && text.indexOf('\r') < 0)) {
            return text;
        }
        return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r");
    }
}
