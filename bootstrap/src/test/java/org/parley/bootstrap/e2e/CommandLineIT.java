package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's command line (contract §17): {@code --version} and {@code --help} print and exit 0 without
 * starting anything (no port, nothing written to the data directory), an unknown argument is one line and exit code
 * 2, and an unknown {@code PARLEY_*} variable is one warning line naming the closest setting while the server starts.
 */
class CommandLineIT {

    private static final Pattern README_SETTING = Pattern.compile("^\\| `(PARLEY_[A-Z0-9_]+)`");

    /** What {@code --version} and {@code --help} leave behind: nothing at all in a data directory that did not exist. */
    private static void assertNothingStarted(ParleyJar parley, Path dataDir) {
        assertThat(parley.output()).noneMatch(line -> line.contains("listening") || line.contains("Storage ready")
                || line.contains(" INFO ") || line.contains(" WARN "));
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void versionPrintsTheProjectVersionAndCommitAndExits(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        try (ParleyJar parley = ParleyJar.launch(dataDir, Map.of(), List.of("--version"))) {
            assertThat(parley.awaitExit()).isZero();
            String version = System.getProperty("parley.version");
            assertThat(version).as("failsafe passes the project's version").isNotBlank();
            assertThat(parley.output()).hasSize(1);
            assertThat(parley.output().get(0))
                    .matches("Parley " + Pattern.quote(version) + "( \\(commit [0-9a-f]{7,40}\\))?");
            if (Files.exists(Path.of("..", ".git"))) {
                assertThat(parley.output().get(0)).as("built in a git work tree: the commit is known").contains("commit");
            }
            assertNothingStarted(parley, dataDir);
        }
    }

    @Test
    void helpPrintsEverySettingOfTheReadmeAndExits(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        List<String> readmeSettings;
        try (Stream<String> lines = Files.lines(Path.of("..", "README.md"), StandardCharsets.UTF_8)) {
            readmeSettings = lines.map(README_SETTING::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
        }
        assertThat(readmeSettings).contains("PARLEY_PORT", "PARLEY_DB_URL", "PARLEY_CONFIG_FILE");

        try (ParleyJar parley = ParleyJar.launch(dataDir, Map.of(), List.of("--help"))) {
            assertThat(parley.awaitExit()).isZero();
            List<String> output = parley.output();
            assertThat(output.get(0)).isEqualTo("Usage: java -jar parley.jar [--help | --version]");
            for (String setting : readmeSettings) {
                assertThat(output).as("a line naming %s, then its default", setting)
                        .anySatisfy(line -> assertThat(line).startsWith(setting));
            }
            int port = output.indexOf("PARLEY_PORT");
            assertThat(output.subList(port, port + 3))
                    .containsExactly("PARLEY_PORT", "    default: 8080", "    HTTP and websocket port (0: any free port)");
            assertNothingStarted(parley, dataDir);
        }
    }

    @Test
    void anUnknownArgumentIsOneLineAndExitCodeTwo(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        try (ParleyJar parley = ParleyJar.launch(dataDir, Map.of(), List.of("--port=8080"))) {
            assertThat(parley.awaitExit()).isEqualTo(2);
            assertThat(parley.output()).containsExactly("Parley: unknown argument '--port=8080'; usage: java -jar "
                    + "parley.jar [--help | --version]; settings are PARLEY_* environment variables (--help lists them)");
            assertNothingStarted(parley, dataDir);
        }
    }

    @Test
    void anUnknownVariableIsOneWarningNamingTheClosestSettingAndTheServerStarts(@TempDir Path dataDir)
            throws Exception {
        try (ParleyJar parley = ParleyJar.start(dataDir, Map.of("PARLEY_POTR", "9999"))) {
            assertThat(parley.output().stream().filter(line -> line.contains("PARLEY_POTR")))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("WARN")
                    .endsWith("Unknown setting PARLEY_POTR (in the environment) is ignored: did you mean "
                            + "PARLEY_PORT? (java -jar parley.jar --help lists every setting)");
            assertThat(parley.port()).as("PARLEY_PORT=0 applies, the typo is ignored").isNotEqualTo(9999);
            parley.stop();
        }
    }
}
