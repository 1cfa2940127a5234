package org.parley.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's settings table is the one description of the settings ({@code --help} prints it, the unknown-setting
 * warning knows its names): these tests hold it to what {@link ParleyConfig} reads, so that a setting added to the
 * code without a row, a row without a setting, or a default changed in one place only fails the build.
 */
class SettingsTableTest {

    /** Turns on every setting that is read only with another: PostgreSQL's, the bus's and the webhooks'. */
    private static final Map<String, String> EVERY_BRANCH = Map.of(
            "PARLEY_DB_URL", "jdbc:postgresql://db.example:5432/parley",
            "PARLEY_REDIS_URL", "redis://redis.example:6379/0",
            "PARLEY_WEBHOOK_URL", "https://backend.example/parley-hooks",
            "PARLEY_WEBHOOK_SECRET", "a webhook secret of sixteen or more");
    /** A default written as one code span, e.g. {@code `8080`} or {@code `26214400` (25 MiB)}. */
    private static final Pattern LITERAL_DEFAULT = Pattern.compile("`([^`]+)`.*");

    private final SettingsTable table = SettingsTable.packaged();

    @Test
    void theTableNamesExactlyTheSettingsParleyConfigReads() {
        ConfigSource source = ConfigSource.of(EVERY_BRANCH);
        ParleyConfig.from(source);

        assertThat(table.names()).containsExactlyInAnyOrderElementsOf(source.asked());
        assertThat(table.settings()).allSatisfy(setting -> {
            assertThat(setting.names()).isNotEmpty();
            assertThat(setting.defaultValue()).isNotBlank();
            assertThat(setting.meaning()).isNotBlank();
        });
    }

    @Test
    void everyDefaultWrittenAsAValueIsTheOneParleyConfigApplies() {
        ParleyConfig defaults = ParleyConfig.fromEnvironment(EVERY_BRANCH);
        int checked = 0;
        for (SettingsTable.Setting setting : table.settings()) {
            Matcher literal = LITERAL_DEFAULT.matcher(setting.defaultValue());
            if (!literal.matches()) {
                continue;          // "unset: …", "—", "half the processors …": described, not a value
            }
            for (String name : setting.names()) {
                Map<String, String> explicit = new HashMap<>(EVERY_BRANCH);
                explicit.put(name, literal.group(1));
                assertThat(ParleyConfig.fromEnvironment(explicit))
                        .as("%s=%s, the README's default, changes nothing", name, literal.group(1))
                        .isEqualTo(defaults);
                checked++;
            }
        }
        assertThat(checked).as("settings with a literal default").isGreaterThanOrEqualTo(25);
    }

    @Test
    void thePackagedTableIsTheReadmes() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertThat(SettingsTable.parse(Files.readAllLines(readme, StandardCharsets.UTF_8)).settings())
                .isEqualTo(table.settings());
    }

    @Test
    void anUnknownNameInTheEnvironmentGetsOneLineNamingTheClosestSetting() {
        ConfigSource source = ConfigSource.of(Map.of("PARLEY_POTR", "8081", "PARLEY_PORT", "8082",
                "PARLEY_XYZ", "1", "HOME", "/root", "PARLEY_HOST", ""));

        assertThat(table.unknown(source)).containsExactly(
                "Unknown setting PARLEY_POTR (in the environment) is ignored: did you mean PARLEY_PORT? "
                        + "(java -jar parley.jar --help lists every setting)",
                "Unknown setting PARLEY_XYZ (in the environment) is ignored: no setting has a similar name "
                        + "(java -jar parley.jar --help lists every setting)");
        assertThat(ParleyConfig.from(source).port()).as("and the known ones are read as ever").isEqualTo(8082);
    }

    @Test
    void anUnknownKeyInTheConfigurationFileIsNamedWithTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "PARLEY_PORT=8081\nPARLEY_DB_PASSWROD=secret\nPORT=9\n");

        List<String> warnings = table.unknown(ConfigSource.of(Map.of("PARLEY_CONFIG_FILE", file.toString())));

        assertThat(warnings).containsExactly(
                "Unknown setting PARLEY_DB_PASSWROD (in " + file + ") is ignored: did you mean PARLEY_DB_PASSWORD? "
                        + "(java -jar parley.jar --help lists every setting)",
                "Unknown setting PORT (in " + file + ") is ignored: did you mean PARLEY_PORT? "
                        + "(java -jar parley.jar --help lists every setting)");
        assertThat(String.join("\n", warnings)).doesNotContain("secret");
    }

    @Test
    void markdownBecomesPlainText() {
        assertThat(SettingsTable.plain("`0`: see [Stopping](#stopping) and **met**")).isEqualTo("0: see Stopping and met");
    }
}
