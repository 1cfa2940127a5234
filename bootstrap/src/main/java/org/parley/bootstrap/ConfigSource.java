package org.parley.bootstrap;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where configuration values come from: environment variables, on top of an optional properties file named by
 * {@code PARLEY_CONFIG_FILE} (same keys). The environment always wins, so a deployment can keep defaults in a file and
 * override single values per host.
 *
 * <p>It remembers where each name was given (for the warning about unknown names, {@link SettingsTable#unknown}) and
 * which names were asked for (so that a test can hold the README's settings table to what {@link ParleyConfig}
 * reads). Used by one thread at start-up.
 */
final class ConfigSource {

    static final String CONFIG_FILE = "PARLEY_CONFIG_FILE";
    static final String FROM_ENVIRONMENT = "the environment";

    private final Map<String, String> values;
    /** Each name given (a value, maybe blank) to where: {@link #FROM_ENVIRONMENT} or the file's path. */
    private final Map<String, String> origins;
    private final Set<String> asked = new LinkedHashSet<>();

    private ConfigSource(Map<String, String> values, Map<String, String> origins) {
        this.values = Map.copyOf(values);
        this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
    }

    static ConfigSource of(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        String file = environment.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            readProperties(Path.of(file)).forEach((key, value) -> {
                merged.put(key, value);
                origins.put(key, file);
            });
        }
        environment.forEach((key, value) -> {
            if (key.startsWith("PARLEY_")) {
                merged.put(key, value);
                origins.put(key, FROM_ENVIRONMENT);
            }
        });
        ConfigSource source = new ConfigSource(merged, origins);
        source.asked.add(CONFIG_FILE);
        return source;
    }

    /** Every name given a value (blank ones too), in alphabetical order, to where it was given. */
    Map<String, String> given() {
        return origins;
    }

    /** Every name asked for so far ({@link #CONFIG_FILE} included), in the order first asked. */
    Set<String> asked() {
        return Collections.unmodifiableSet(asked);
    }

    Optional<String> get(String name) {
        asked.add(name);
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
