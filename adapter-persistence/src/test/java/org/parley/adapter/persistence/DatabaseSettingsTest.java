package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {

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

        assertThat(settings.redactedUrl()).isEqualTo("jdbc:h2:file:/data/parley;CIPHER=AES;MODE=PostgreSQL");
    }

    @Test
    void theEmbeddedDatabaseIsAFileNamedParleyInsideTheDataDirectoryWhichIsCreated(@TempDir Path dir) {
        Path dataDir = dir.resolve("data");

        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);

        assertThat(dataDir).isDirectory();
        assertThat(settings.jdbcUrl()).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("parley"));
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
