package org.parley.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.SendRate;

class ParleyConfigTest {

    @Test
    void defaultsMatchTheContract() {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of());
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
        assertThat(config.database()).isEmpty();
        assertThat(config.jwtSecret()).isEmpty();
        assertThat(config.adminApiKey()).isEmpty();
        assertThat(config.maxUploadBytes()).isEqualTo(25L * 1024 * 1024);
        assertThat(config.maxMessageLength()).isEqualTo(10_000);
        assertThat(config.maxFrameBytes()).isEqualTo(65_536);
        assertThat(config.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.mediaLinkLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_MEDIA_LINK_SECONDS", "600")).mediaLinkLifetime())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(config.orphanAge()).isEqualTo(Duration.ofHours(1));
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_ORPHAN_AGE_SECONDS", "600")).orphanAge())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(config.withOrphanAge(Duration.ofDays(2)).orphanAge()).isEqualTo(Duration.ofDays(2));
        assertThat(config.withOrphanAge(Duration.ofDays(2)).toString()).contains("orphanAge=PT48H");
    }

    @Test
    void theOrphanAgeOutlastsTheLongestAnUploadCanWaitForTheDatabase() {
        Map<String, String> slowDatabase = Map.of("PARLEY_DB_URL", "jdbc:postgresql://db/parley",
                "PARLEY_DB_CONNECT_TIMEOUT_SECONDS", "600", "PARLEY_ORPHAN_AGE_SECONDS", "1259");

        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(slowDatabase))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("PARLEY_ORPHAN_AGE_SECONDS: must be at least twice the longer of "
                        + "PARLEY_DB_CONNECT_TIMEOUT_SECONDS and PARLEY_DB_TIMEOUT_SECONDS plus 60 (1260), so that no "
                        + "upload still waiting for its message is swept; got 1259");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "jdbc:postgresql://db/parley",
                "PARLEY_DB_TIMEOUT_SECONDS", "600", "PARLEY_ORPHAN_AGE_SECONDS", "1259")))
                .as("a request's wait for the database bounds an upload's commit too")
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("(1260)");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_DB_TIMEOUT_SECONDS", "600", "PARLEY_ORPHAN_AGE_SECONDS", "1259")))
                .as("on embedded H2 as well")
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("(1260)");
        Map<String, String> longEnough = new java.util.HashMap<>(slowDatabase);
        longEnough.put("PARLEY_ORPHAN_AGE_SECONDS", "1260");
        assertThat(ParleyConfig.fromEnvironment(longEnough).orphanAge()).isEqualTo(Duration.ofSeconds(1260));
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "jdbc:postgresql://db/parley",
                "PARLEY_DB_CONNECT_TIMEOUT_SECONDS", "600")).orphanAge()).as("the default").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theLimitsDefaultToTheContractAndZeroTurnsACountOrRateOff() {
        ParleyConfig.Limits defaults = ParleyConfig.fromEnvironment(Map.of()).limits();
        assertThat(defaults).isEqualTo(ParleyConfig.Limits.defaults());
        assertThat(defaults.sendRate()).contains(new SendRate(20, 40));
        assertThat(defaults.logIn()).contains(new LogInWindow(10, Duration.ofMinutes(15)));
        assertThat(defaults.hashingThreads())
                .isBetween(1, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        assertThat(defaults.hashingQueue()).isEqualTo(16);

        ParleyConfig.Limits set = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_SEND_RATE_PER_SECOND", "5", "PARLEY_SEND_BURST", "8",
                "PARLEY_LOGIN_FAILURES", "3", "PARLEY_LOGIN_WINDOW_SECONDS", "60",
                "PARLEY_HASHING_THREADS", "1", "PARLEY_HASHING_QUEUE", "4")).limits();
        assertThat(set).isEqualTo(new ParleyConfig.Limits(5, 8, 3, Duration.ofMinutes(1), 1, 4));

        ParleyConfig.Limits off = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_SEND_RATE_PER_SECOND", "0", "PARLEY_LOGIN_FAILURES", "0")).limits();
        assertThat(off.sendRate()).isEmpty();
        assertThat(off.logIn()).isEmpty();
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_SEND_BURST", "0")).limits().sendRate()).isEmpty();
    }

    @Test
    void theLimitsAtTheEdgeDefaultToTheContract() {
        ParleyConfig.Edge edge = ParleyConfig.fromEnvironment(Map.of()).edge();
        assertThat(edge.allowedOrigins()).as("every origin, no CORS").isEmpty();
        assertThat(edge.maxConnectionsPerUser()).isEqualTo(20);
        assertThat(edge.maxPendingBytes()).isEqualTo(1024 * 1024);
        assertThat(edge.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(edge.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(edge).isEqualTo(ParleyConfig.Edge.defaults());
    }

    @Test
    void theDatabaseTimeoutAndTheDrainTimeDefaultToFiveAndTenSecondsAndAreRead() {
        ParleyConfig.Operations defaults = ParleyConfig.fromEnvironment(Map.of()).operations();
        assertThat(defaults.databaseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.drainTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults).isEqualTo(ParleyConfig.Operations.defaults());

        ParleyConfig.Operations read = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_DB_TIMEOUT_SECONDS", "2", "PARLEY_DRAIN_SECONDS", "0")).operations();
        assertThat(read.databaseTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(read.drainTime()).as("0: close at once").isZero();
    }

    @Test
    void theLimitsAtTheEdgeAreRead() {
        ParleyConfig.Edge edge = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_ALLOWED_ORIGINS", " https://App.Example.com/ , http://localhost:3000,,",
                "PARLEY_MAX_CONNECTIONS_PER_USER", "0",
                "PARLEY_MAX_PENDING_BYTES", "262144",
                "PARLEY_HEADER_TIMEOUT_SECONDS", "0",
                "PARLEY_BODY_TIMEOUT_SECONDS", "5")).edge();
        assertThat(edge.allowedOrigins()).containsExactlyInAnyOrder("https://app.example.com", "http://localhost:3000");
        assertThat(edge.maxConnectionsPerUser()).as("0: no limit").isZero();
        assertThat(edge.maxPendingBytes()).isEqualTo(262_144);
        assertThat(edge.headerTimeout()).as("0: no limit").isZero();
        assertThat(edge.bodyTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "null", "*", "app.example.com", "https://app.example.com/path", "https://user@app.example.com",
            "https://app.example.com?x=1"})
    void anythingButAnOriginIsRefusedInTheAllowedOrigins(String origin) {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_ALLOWED_ORIGINS",
                "https://ok.example.com," + origin)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_ALLOWED_ORIGINS: '" + origin + "' is not an origin");
    }

    @Test
    void allowedOriginsDropDefaultPortsAndMustNameAtLeastOne() {
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_ALLOWED_ORIGINS",
                "https://app.example.com:443,http://localhost:80,http://localhost:3000")).edge().allowedOrigins())
                .containsExactlyInAnyOrder("https://app.example.com", "http://localhost", "http://localhost:3000");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_ALLOWED_ORIGINS", " , ,")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_ALLOWED_ORIGINS: names no origin");
    }

    @Test
    void aConfigurationWithABusKeepsItsLimitsAtTheEdge() {
        ParleyConfig.Edge edge = ParleyConfig.Edge.defaults().withAllowedOrigins(Set.of("https://a.example"));
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of()).withEdge(edge)
                .withBus(new ParleyConfig.Bus("redis://127.0.0.1:6379/0", "parley"));
        assertThat(config.edge()).isEqualTo(edge);
    }

    @Test
    void aPostgresqlUrlSelectsThatDatabase() {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_DB_URL", "jdbc:postgresql://db.internal:5432/parley",
                "PARLEY_DB_USER", "parley",
                "PARLEY_DB_PASSWORD", "s3cret-password"));
        assertThat(config.database()).hasValueSatisfying(db -> {
            assertThat(db.url()).isEqualTo("jdbc:postgresql://db.internal:5432/parley");
            assertThat(db.user()).isEqualTo("parley");
            assertThat(db.poolSize()).isEqualTo(10);
        });
        assertThat(config.toString()).doesNotContain("s3cret-password");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PARLEY_PORT|eighty|PARLEY_PORT: not a whole number",
            "PARLEY_PORT|70000|PARLEY_PORT: must be between 0 and 65535",
            "PARLEY_DB_URL|mysql://x|PARLEY_DB_URL: must start with jdbc:postgresql: or jdbc:h2:",
            "PARLEY_JWT_SECRET|short|PARLEY_JWT_SECRET is too short: it must be at least 32 bytes",
            "PARLEY_ADMIN_API_KEY|tiny|PARLEY_ADMIN_API_KEY is too short: it must be at least 16 characters",
            "PARLEY_MAX_UPLOAD_BYTES|0|PARLEY_MAX_UPLOAD_BYTES: must be between",
            "PARLEY_MAX_MESSAGE_LENGTH|-3|PARLEY_MAX_MESSAGE_LENGTH: must be between",
            "PARLEY_PASSWORD_ITERATIONS|10|PARLEY_PASSWORD_ITERATIONS: must be between",
            "PARLEY_MEDIA_LINK_SECONDS|59|PARLEY_MEDIA_LINK_SECONDS: must be between",
            "PARLEY_MAX_CONNECTIONS_PER_USER|-1|PARLEY_MAX_CONNECTIONS_PER_USER: must be between",
            "PARLEY_MAX_PENDING_BYTES|1000|PARLEY_MAX_PENDING_BYTES: must be between",
            "PARLEY_HEADER_TIMEOUT_SECONDS|-1|PARLEY_HEADER_TIMEOUT_SECONDS: must be between",
            "PARLEY_BODY_TIMEOUT_SECONDS|0|PARLEY_BODY_TIMEOUT_SECONDS: must be between 1 and 3600",
            "PARLEY_MEDIA_LINK_SECONDS|soon|PARLEY_MEDIA_LINK_SECONDS: not a whole number",
            "PARLEY_ORPHAN_AGE_SECONDS|599|PARLEY_ORPHAN_AGE_SECONDS: must be between 600 and 2592000",
            "PARLEY_ORPHAN_AGE_SECONDS|hour|PARLEY_ORPHAN_AGE_SECONDS: not a whole number",
            "PARLEY_USER_CACHE_SECONDS|-1|PARLEY_USER_CACHE_SECONDS: must be between 0 and 3600",
            "PARLEY_USER_CACHE_SECONDS|3601|PARLEY_USER_CACHE_SECONDS: must be between 0 and 3600",
            "PARLEY_USER_CACHE_SECONDS|5s|PARLEY_USER_CACHE_SECONDS: not a whole number",
            "PARLEY_CACHE_MAX_ENTRIES|-5|PARLEY_CACHE_MAX_ENTRIES: must be between 0 and 10000000",
            "PARLEY_CACHE_MAX_ENTRIES|lots|PARLEY_CACHE_MAX_ENTRIES: not a whole number",
            "PARLEY_SEND_RATE_PER_SECOND|-1|PARLEY_SEND_RATE_PER_SECOND: must be between 0 and 1000000",
            "PARLEY_SEND_BURST|many|PARLEY_SEND_BURST: not a whole number",
            "PARLEY_LOGIN_FAILURES|-2|PARLEY_LOGIN_FAILURES: must be between 0 and 1000000",
            "PARLEY_LOGIN_WINDOW_SECONDS|0|PARLEY_LOGIN_WINDOW_SECONDS: must be between 1 and 604800",
            "PARLEY_HASHING_THREADS|0|PARLEY_HASHING_THREADS: must be between 1 and",
            "PARLEY_HASHING_QUEUE|0|PARLEY_HASHING_QUEUE: must be between 1 and 100000",
            "PARLEY_DB_TIMEOUT_SECONDS|0|PARLEY_DB_TIMEOUT_SECONDS: must be between 1 and 600",
            "PARLEY_DB_TIMEOUT_SECONDS|3s|PARLEY_DB_TIMEOUT_SECONDS: not a whole number",
            "PARLEY_DRAIN_SECONDS|-1|PARLEY_DRAIN_SECONDS: must be between 0 and 600",
            "PARLEY_DRAIN_SECONDS|601|PARLEY_DRAIN_SECONDS: must be between 0 and 600",
    })
    void aBadValueStopsStartUpWithOneLineNamingTheVariable(String name, String value, String expected) {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(expected)
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anH2UrlThatDelaysCommitsStopsStartUpWithOneLineNamingTheVariable(@TempDir Path dir) {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_DATA_DIR", dir.toString(),
                "PARLEY_DB_URL", "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=500"));

        assertThatThrownBy(() -> Parley.start(config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_DB_URL: An H2 database URL must not set WRITE_DELAY")
                .hasMessageNotContaining("\n");
        assertThat(dir.resolve("db.mv.db")).as("nothing was opened").doesNotExist();
    }

    @Test
    void secretsAreNeverEchoedInErrors() {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_JWT_SECRET", "tooshort-secret")))
                .hasMessageNotContaining("tooshort-secret");
    }

    /** A URL that is not a database URL is named by its scheme only: its user-info may hold a password. */
    @Test
    void aWrongDatabaseUrlIsNamedByItsSchemeOnly() {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "postgres://u:pw@db/parley")))
                .hasMessage("PARLEY_DB_URL: must start with jdbc:postgresql: or jdbc:h2: (got a URL starting with"
                        + " 'postgres:')");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "jdbc:mysql://a:b@db/x")))
                .hasMessageEndingWith("(got a URL starting with 'jdbc:mysql:')");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "://p4ss@db")))
                .hasMessageEndingWith("(got something that is not a URL)");
    }

    @Test
    void theDatabaseSettingsShowNoCredentials() {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_DB_URL", "jdbc:postgresql://admin:hunter2@db/parley?password=hunter2&ssl=true",
                "PARLEY_DB_PASSWORD", "hunter2"));

        assertThat(config.toString()).doesNotContain("hunter2")
                .contains("jdbc:postgresql://admin:***@db/parley?password=***&ssl=true");
    }

    @Test
    void aConfigFileAddsValuesAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "PARLEY_PORT=9000\nPARLEY_MAX_MESSAGE_LENGTH=500\n");
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_CONFIG_FILE", file.toString());
        env.put("PARLEY_PORT", "9100");
        ParleyConfig config = ParleyConfig.fromEnvironment(env);
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.maxMessageLength()).isEqualTo(500);
    }

    @Test
    void theCachesKeepUsersAFewSecondsAndAHundredThousandEntriesByDefault() {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of());

        assertThat(config.userCacheLifetime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.cacheMaxEntries()).isEqualTo(100_000);
        assertThat(config.toString()).contains("userCacheLifetime=PT5S", "cacheMaxEntries=100000");
    }

    @Test
    void theCachesAreConfigurableAndZeroTurnsThemOff() {
        ParleyConfig tuned = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_USER_CACHE_SECONDS", "30",
                "PARLEY_CACHE_MAX_ENTRIES", "2500"));
        ParleyConfig off = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_USER_CACHE_SECONDS", "0",
                "PARLEY_CACHE_MAX_ENTRIES", "0"));

        assertThat(tuned.userCacheLifetime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(tuned.cacheMaxEntries()).isEqualTo(2_500);
        assertThat(off.userCacheLifetime()).isZero();
        assertThat(off.cacheMaxEntries()).isZero();
    }

    @Test
    void withoutARedisUrlThisIsOneNodeAndWithOneANodeOnTheBus() {
        assertThat(ParleyConfig.fromEnvironment(Map.of()).bus()).isEmpty();

        ParleyConfig onTheBus = ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "redis://127.0.0.1:6379/2"));
        ParleyConfig named = ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "rediss://redis.internal/0",
                "PARLEY_REDIS_CHANNEL", "chat-eu:prod"));

        assertThat(onTheBus.bus()).contains(new ParleyConfig.Bus("redis://127.0.0.1:6379/2", "parley"));
        assertThat(named.bus()).contains(new ParleyConfig.Bus("rediss://redis.internal/0", "chat-eu:prod"));
    }

    @Test
    void aBadRedisSettingStopsStartUpNamingItsVariableWithoutShowingTheUrl() {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "http://u:hunter2@redis/0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("PARLEY_REDIS_URL: must start with redis:// or rediss://");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "redis://:hunter2@/0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_REDIS_URL: ")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "redis://redis/0",
                "PARLEY_REDIS_CHANNEL", "two words")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_REDIS_CHANNEL: ");
    }

    @Test
    void theRedisPasswordIsNeverShown() {
        ParleyConfig withUser = ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "redis://app:hunter2@redis/0"));
        ParleyConfig passwordOnly = ParleyConfig.fromEnvironment(Map.of("PARLEY_REDIS_URL", "redis://hunter2@redis/0"));

        assertThat(withUser.toString()).contains("bus=Bus[url=redis://***@redis/0").doesNotContain("hunter2");
        assertThat(passwordOnly.toString()).doesNotContain("hunter2");
    }

    @Test
    void aConfigurationBuiltWithoutCacheSettingsHasTheDefaultCaches() {
        ParleyConfig defaults = ParleyConfig.fromEnvironment(Map.of());
        ParleyConfig built = new ParleyConfig(defaults.host(), defaults.port(), defaults.dataDir(), defaults.database(),
                defaults.jwtSecret(), defaults.accessTokenLifetime(), defaults.refreshTokenLifetime(),
                defaults.adminApiKey(), defaults.maxUploadBytes(), defaults.maxMessageLength(), defaults.maxFrameBytes(),
                defaults.passwordIterations(), defaults.websocketPingInterval(), defaults.mediaLinkLifetime());

        assertThat(built).isEqualTo(defaults);
    }

    @Test
    void anUnreadableConfigFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_CONFIG_FILE", dir.resolve("missing").toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_CONFIG_FILE:");
    }

    @Test
    void theGeneratedSecretIsKeptAndReused(@TempDir Path dir) {
        String first = SecretFile.loadOrCreate(dir);
        String second = SecretFile.loadOrCreate(dir);
        assertThat(first).hasSizeGreaterThanOrEqualTo(ParleyConfig.MIN_SECRET_BYTES).isEqualTo(second);
    }
    @Test
    void webhooksAreOffWithoutAUrl() {
        assertThat(ParleyConfig.fromEnvironment(Map.of()).webhooks()).isEmpty();
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_WEBHOOK_SECRET", "a-secret-that-is-long")).webhooks())
                .isEmpty();
    }

    @Test
    void aWebhookUrlNeedsItsSecret() {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_WEBHOOK_URL", "https://app.example.com/hook")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_WEBHOOK_SECRET:");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_WEBHOOK_URL", "https://app.example.com/hook",
                "PARLEY_WEBHOOK_SECRET", "short")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_WEBHOOK_SECRET is too short")
                .hasMessageNotContaining("short\"");
    }

    @Test
    void aWebhookUrlMustBeAnAbsoluteHttpUrlAndIsNeverEchoed() {
        for (String bad : List.of("ftp://user:hunter2@example.com/x", "/relative/hunter2", "not a url hunter2",
                "https:///hunter2")) {
            assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_WEBHOOK_URL", bad,
                    "PARLEY_WEBHOOK_SECRET", "a-secret-that-is-long")))
                    .as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("PARLEY_WEBHOOK_URL:")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void webhooksAreReadWithTheirDefaultsAndShownWithoutSecrets() {
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_WEBHOOK_URL", "https://app:hunter2@app.example.com:8443/hooks/parley?key=k3y",
                "PARLEY_WEBHOOK_SECRET", "the-webhook-signing-secret"));

        ParleyConfig.Webhooks webhooks = config.webhooks().orElseThrow();
        assertThat(webhooks.url()).hasToString("https://app:hunter2@app.example.com:8443/hooks/parley?key=k3y");
        assertThat(webhooks.secret()).isEqualTo("the-webhook-signing-secret");
        assertThat(webhooks.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(webhooks.senders()).isEqualTo(4);
        assertThat(config.toString()).contains("https://app.example.com:8443/hooks/parley")
                .doesNotContain("hunter2", "k3y", "the-webhook-signing-secret");

        ParleyConfig tuned = ParleyConfig.fromEnvironment(Map.of(
                "PARLEY_WEBHOOK_URL", "http://127.0.0.1:9000/", "PARLEY_WEBHOOK_SECRET", "the-webhook-signing-secret",
                "PARLEY_WEBHOOK_TIMEOUT_MILLIS", "1500", "PARLEY_WEBHOOK_THREADS", "2"));
        assertThat(tuned.webhooks().orElseThrow().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(tuned.webhooks().orElseThrow().senders()).isEqualTo(2);
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_WEBHOOK_URL", "http://127.0.0.1:9000/",
                "PARLEY_WEBHOOK_SECRET", "the-webhook-signing-secret", "PARLEY_WEBHOOK_TIMEOUT_MILLIS", "0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("PARLEY_WEBHOOK_TIMEOUT_MILLIS:");
    }

    @Test
    void metricsAreOffByDefaultOnWithTrueAndProtectedByAToken() {
        assertThat(ParleyConfig.fromEnvironment(Map.of()).operations().metrics()).isEqualTo(ParleyConfig.Metrics.off());
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS", "false")).operations().metrics().on())
                .isFalse();
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS", "true")).operations().metrics())
                .isEqualTo(ParleyConfig.Metrics.open());
        ParleyConfig.Metrics protectedOnes = ParleyConfig.fromEnvironment(
                Map.of("PARLEY_METRICS_TOKEN", "scrape-token-0123456789")).operations().metrics();
        assertThat(protectedOnes.on()).isTrue();
        assertThat(protectedOnes.token()).contains("scrape-token-0123456789");
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS", "true",
                "PARLEY_METRICS_TOKEN", "scrape-token-0123456789")).operations().metrics()).isEqualTo(protectedOnes);
        assertThat(ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS_TOKEN", "scrape-token-0123456789")).toString())
                .doesNotContain("scrape-token-0123456789");
    }

    @Test
    void aBadMetricsSettingStopsStartUpNamingItsVariableWithoutShowingTheToken() {
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS", "yes")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("PARLEY_METRICS:");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS_TOKEN", "short-hunter2")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("PARLEY_METRICS_TOKEN is too short")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of("PARLEY_METRICS", "false",
                "PARLEY_METRICS_TOKEN", "scrape-token-0123456789-hunter2")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("PARLEY_METRICS_TOKEN:")
                .hasMessageNotContaining("hunter2");
    }

    /** A key that travels in a header but could never match there (read as ISO-8859-1) stops start-up, unshown. */
    @Test
    void aKeySentInAHeaderMustBePrintableAscii() {
        for (String name : new String[] {"PARLEY_METRICS_TOKEN", "PARLEY_ADMIN_API_KEY"}) {
            for (String key : new String[] {"p\u00e4ssw\u00f6rd-hunter2-0123456789", "tab\there-hunter2-0123456789",
                    "emoji-\uD83D\uDE00-hunter2-0123456789"}) {
                assertThatThrownBy(() -> ParleyConfig.fromEnvironment(Map.of(name, key))).as(name + " " + key)
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessage(name + " is not printable ASCII, which it must be (it is sent in an HTTP header): "
                                + "it holds another character")
                        .hasMessageNotContaining("hunter2");
            }
            assertThat(ParleyConfig.fromEnvironment(Map.of(name, "with inner spaces ~!@#$%^&*()_+ 0123456789")))
                    .as("printable ASCII, spaces inside included").isNotNull();
        }
    }
}
