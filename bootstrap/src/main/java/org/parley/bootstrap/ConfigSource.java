package org.parley.bootstrap;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where configuration values come from: environment variables, on top of an optional properties file named by
 * {@code PARLEY_CONFIG_FILE} (same keys). The environment always wins, so a deployment can keep defaults in a file and
 * override single values per host.
 */
final class ConfigSource {

    static final String CONFIG_FILE = "PARLEY_CONFIG_FILE";

    private final Map<String, String> values;

    private ConfigSource(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    static ConfigSource of(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        String file = environment.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            merged.putAll(readProperties(Path.of(file)));
        }
        environment.forEach((key, value) -> {
            if (key.startsWith("PARLEY_")) {
                merged.put(key, value);
            }
        });
        return new ConfigSource(merged);
    }

    Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException(CONFIG_FILE + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
