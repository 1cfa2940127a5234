package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {

    /** Group commit's gathering wait: 1 ms where each commit is a chunk H2 keeps, none elsewhere. */
    @Test
    void onlyAnH2DatabaseWithAFileGetsACommitGatheringWait(@TempDir Path dir) {
        assertThat(DatabaseSettings.embeddedH2(dir).commitGathering()).isEqualTo(Duration.ofMillis(1));
        assertThat(settings("jdbc:h2:tcp://localhost/~/parley").commitGathering()).isEqualTo(Duration.ofMillis(1));
        assertThat(settings("JDBC:H2:./parley").commitGathering()).isEqualTo(Duration.ofMillis(1));
        assertThat(settings("jdbc:h2:mem:parley").commitGathering()).isEqualTo(Duration.ZERO);
        assertThat(settings("jdbc:postgresql://127.0.0.1:5432/parley").commitGathering()).isEqualTo(Duration.ZERO);
    }

    private static DatabaseSettings settings(String url) {
        return new DatabaseSettings(url, "sa", "", 1, Duration.ofSeconds(1));
    }

    @Test
    void toStringNeverShowsThePasswordNorCredentialsInTheUrl() {
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:postgresql://admin:hunter2@db.example.org:5432/parley?user=admin&password=hunter2",
                "admin", "hunter2", 10, Duration.ofSeconds(5));

        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .contains("jdbc:postgresql://db.example.org:5432/parley")
                .contains("password=***");
    }

    @Test
    void secretParametersOfAnH2UrlAreLeftOut() {
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:h2:file:/data/parley;CIPHER=AES;FILE_PASSWORD=xyz;PASSWORD=abc;MODE=PostgreSQL",
                "sa", "", 2, Duration.ofSeconds(1));

        assertThat(settings.redactedUrl()).isEqualTo("jdbc:h2:file:/data/parley;CIPHER=AES;MODE=PostgreSQL;WRITE_DELAY=0");
    }

    /**
     * Issue 10: secrets are masked by their key, never by searching for the password's text. With the password "o",
     * searching for it turned "Wrong user name or password" into "Wr***ng user name ***r passw***rd".
     */
    @Test
    void messagesKeepTheirTextAndLoseOnlyWhatAKeyNamesAsSecret() {
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:postgresql://db.example.org/parley?user=admin&password=o", "admin", "o", 2, Duration.ofSeconds(1));

        assertThat(settings.withoutSecrets("Wrong user name or password [28000-252]"))
                .isEqualTo("Wrong user name or password [28000-252]");
        assertThat(settings.withoutSecrets("at jdbc:postgresql://db.example.org/parley?user=admin&password=o: refused"))
                .isEqualTo("at jdbc:postgresql://db.example.org/parley: refused");
        assertThat(settings.withoutSecrets("retrying jdbc:postgresql://db.example.org:5432/parley?password=o&ssl=true"))
                .isEqualTo("retrying jdbc:postgresql://db.example.org:5432/parley?password=***&ssl=true");
        assertThat(settings.withoutSecrets("url jdbc:postgresql://admin:hunter2@db/parley failed"))
                .isEqualTo("url jdbc:postgresql://db/parley failed");
        assertThat(settings.withoutSecrets("jdbc:h2:file:/d;FILE_PASSWORD=abc;MODE=PostgreSQL, token = xyz"))
                .isEqualTo("jdbc:h2:file:/d;FILE_PASSWORD=***;MODE=PostgreSQL, token = ***");
    }

    @Test
    void theEmbeddedDatabaseIsAFileNamedParleyInsideTheDataDirectoryWhichIsCreated(@TempDir Path dir) {
        Path dataDir = dir.resolve("data");

        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);

        assertThat(dataDir).isDirectory();
        assertThat(settings.jdbcUrl()).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("parley"));
    }

    @Test
    void theEmbeddedDatabaseWritesEveryCommitToItsFileBeforeTheCommitReturns(@TempDir Path dir) throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);

        assertThat(settings.jdbcUrl()).endsWith(";WRITE_DELAY=0");
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
             Statement statement = connection.createStatement();
             ResultSet setting = statement.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(setting.next()).isTrue();
            assertThat(setting.getString(1)).as("H2's write delay in ms").isEqualTo("0");
        }
    }

    @Test
    void anH2UrlOfTheOperatorsOwnGetsDurableCommitsToo() {
        assertThat(h2("jdbc:h2:file:/srv/parley/db").jdbcUrl()).isEqualTo("jdbc:h2:file:/srv/parley/db;WRITE_DELAY=0");
        assertThat(h2("jdbc:h2:tcp://db.example.org/parley;MODE=PostgreSQL").jdbcUrl())
                .isEqualTo("jdbc:h2:tcp://db.example.org/parley;MODE=PostgreSQL;WRITE_DELAY=0");
        assertThat(h2("JDBC:H2:./parley;write_delay=0").jdbcUrl()).as("already durable: unchanged")
                .isEqualTo("JDBC:H2:./parley;write_delay=0");
    }

    @Test
    void anH2UrlThatDelaysCommitsIsRefused() {
        assertThatThrownBy(() -> h2("jdbc:h2:file:/srv/parley/db;WRITE_DELAY=500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not set WRITE_DELAY (it sets WRITE_DELAY=500)")
                .hasMessageContaining("Parley sets WRITE_DELAY=0");
        assertThatThrownBy(() -> h2("jdbc:h2:file:/srv/parley/db;Write_Delay=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPostgresqlUrlIsLeftAsItIs() {
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:5432/parley?options=-c%20WRITE_DELAY=5", "u", "", 1, Duration.ofSeconds(1));

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/parley?options=-c%20WRITE_DELAY=5");
    }

    private static DatabaseSettings h2(String url) {
        return new DatabaseSettings(url, "sa", "", 1, Duration.ofSeconds(1));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new DatabaseSettings("postgres://x", "u", "p", 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:h2:mem:x", "u", "p", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:h2:mem:x", "u", "p", 1, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
