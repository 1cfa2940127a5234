package org.parley.bootstrap;

import java.util.OptionalInt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar parley.jar}: start Parley with the configuration in the environment; stop it on SIGTERM.
 * {@code --version} and {@code --help} print and exit without starting ({@link CommandLine}); a {@code PARLEY_*} name
 * that is no setting gets one warning line naming the closest setting ({@link SettingsTable#unknown}).
 */
public final class ParleyServer {

    private ParleyServer() {
    }

    public static void main(String[] args) {
        OptionalInt done = CommandLine.run(args, System.out, System.err);
        if (done.isPresent()) {
            if (done.getAsInt() != CommandLine.DONE) {
                System.exit(done.getAsInt());
            }
            return;
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(ParleyServer.class);
        Parley parley;
        try {
            ConfigSource source = ConfigSource.of(System.getenv());
            SettingsTable.packaged().unknown(source).forEach(log::warn);
            ParleyConfig config = ParleyConfig.from(source);
            parley = Parley.start(config);
        } catch (ConfigurationException e) {
            log.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            log.error("Parley could not start: {}", e.getMessage());
            log.debug("Start-up failure", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(parley::close, "parley-shutdown"));
        // Serve until stopped; whether the server's own threads would keep the JVM alive is not ours to rely on.
        try {
            parley.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            parley.close();
        }
    }
}
