package org.parley.bootstrap;

/** A configuration value that stops start-up. Its message is one line that names the variable. */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message, null, false, false);
    }
}
