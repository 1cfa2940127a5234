package org.parley.bootstrap.logging;

import java.util.HashSet;
import java.util.Set;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the events that libraries log above DEBUG for a client's mistake, recognised by the exception they carry (or
 * one of its causes), e.g. Grizzly's warning with a full stack trace for a malformed chunked body, which it has
 * already answered with 400. Client mistakes are answered, not logged: only a logger at DEBUG still shows them.
 * The exception types are listed in {@code logback.xml}, one {@code <clientFault>} element each.
 */
public final class ClientFaultFilter extends TurboFilter {

    private static final int MAX_CAUSES = 10;

    private final Set<String> clientFaults = new HashSet<>();

    /** Names an exception type (fully qualified) that only a client's mistake raises. */
    public void addClientFault(String className) {
        clientFaults.add(className.strip());
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        Throwable thrown = t != null ? t
                : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
        if (thrown == null || level == null || !level.isGreaterOrEqual(Level.INFO) || !causedByClient(thrown)) {
            return FilterReply.NEUTRAL;
        }
        // The effective level, not isDebugEnabled(), which would call this filter again.
        return Level.DEBUG.isGreaterOrEqual(logger.getEffectiveLevel()) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }

    private boolean causedByClient(Throwable thrown) {
        Throwable current = thrown;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            if (clientFaults.contains(current.getClass().getName())) {
                return true;
            }
        }
        return false;
    }
}
