package org.parley.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code java -jar parley.jar}: start Parley with the configuration in the environment; stop it on SIGTERM. */
public final class ParleyServer {

    private ParleyServer() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(ParleyServer.class);
        Parley parley;
        try {
            ParleyConfig config = ParleyConfig.fromEnvironment(System.getenv());
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
