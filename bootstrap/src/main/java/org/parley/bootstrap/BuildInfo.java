package org.parley.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What this build of Parley is: the Maven project's version and the git commit it was built from, as the build wrote
 * them into {@value #RESOURCE} next to this class (bootstrap's pom filters it; the commit comes from
 * {@code git rev-parse} at build time and is unknown when the build ran outside a git work tree).
 *
 * @param version e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build did not fill it in
 * @param commit  the abbreviated commit id, when known
 */
record BuildInfo(String version, Optional<String> commit) {

    static final String RESOURCE = "build.properties";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");

    /** This build's. */
    static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        String version = properties.getProperty("version", "");
        String commit = properties.getProperty("commit", "").strip();
        return new BuildInfo(version.isBlank() || version.contains("${") ? "unknown" : version.strip(),
                COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty());
    }

    /** What {@code --version} prints: {@code Parley 0.1.0-SNAPSHOT (commit 3ac6999abcde)}. */
    String line() {
        return "Parley " + version + commit.map(id -> " (commit " + id + ")").orElse("");
    }
}
