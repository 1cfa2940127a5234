package org.parley.bootstrap.logging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the events logged above DEBUG for what a client did, recognised by the exception they carry (or one of its
 * causes). Client mistakes are answered, not logged; a client hanging up is nobody's mistake. Only a logger at DEBUG
 * still shows them. Two kinds, each listed in {@code logback.xml}:
 * <ul>
 *   <li>{@code <clientFault>}: an exception type that only a client's malformed request raises, e.g. Grizzly's
 *       {@code HttpBrokenContentException} for a broken chunked body, which Grizzly has already answered with 400 but
 *       logs as a warning with its stack trace;</li>
 *   <li>{@code <clientConnectionPackage>}: a package of the HTTP server's network layer; an {@link IOException} thrown
 *       there means the client's connection broke (it hung up in the middle of its request, or of a download), which
 *       Jersey logs as an error with its stack trace. An I/O failure anywhere else (the database, a file) is the
 *       server's and stays logged.</li>
 * </ul>
 *
 * <p>Works around the libraries' logging: Grizzly's {@code HttpServerFilter.handleRead} logs whatever a handler
 * throws as a WARNING with its stack trace, {@code HttpBrokenContentException} (from
 * {@code ChunkedTransferEncoding}, for a broken chunked body) included, and Jersey logs an {@link IOException} from
 * Grizzly's streams (a client gone) as an error. The types and packages themselves are named in {@code logback.xml}.
 * Checked on Grizzly 4.0.2 and Jersey 3.1.12 ({@code docs/workarounds.md}). Proved by
 * {@code LogbackConfigurationTest} ({@code clientFaultsAreNotLoggedAboveDebugButServerFaultsAre},
 * {@code aClientHangingUpIsNotLoggedButAnIoFailureOfTheServerIs}) and
 * {@code MalformedRequestsIT.clientsThatHangUpMidRequestOrMidDownloadWriteNothing} (the packaged server).
 */
public final class ClientFaultFilter extends TurboFilter {

    private static final int MAX_CAUSES = 10;

    private final Set<String> clientFaults = new HashSet<>();
    private final List<String> clientConnectionPackages = new ArrayList<>();

    /** Names an exception type (fully qualified) that only a client's mistake raises. */
    public void addClientFault(String className) {
        clientFaults.add(className.strip());
    }

    /** Names a package (prefix, e.g. {@code org.glassfish.grizzly.}) whose I/O failures are the client connection's. */
    public void addClientConnectionPackage(String packagePrefix) {
        clientConnectionPackages.add(packagePrefix.strip());
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
            if (clientFaults.contains(current.getClass().getName()) || brokenClientConnection(current)) {
                return true;
            }
        }
        return false;
    }

    private boolean brokenClientConnection(Throwable failure) {
        if (!(failure instanceof IOException) || failure.getStackTrace().length == 0) {
            return false;
        }
        String thrownBy = failure.getStackTrace()[0].getClassName();
        return clientConnectionPackages.stream().anyMatch(thrownBy::startsWith);
    }
}
