package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final Map<String, String> ENV = Map.of("PARLEY_ADMIN_API_KEY", "key-0123456789abcdef",
            "PARLEY_JWT_SECRET", "secret-long-enough-for-hs256-signing!");

    @Test
    void defaultsAndEnvironmentFillTheGaps() throws Exception {
        Options options = Options.parse(new String[] {"throughput"}, ENV);

        assertThat(options.httpBase()).hasToString("http://127.0.0.1:8080");
        assertThat(options.wsBase()).hasToString("ws://127.0.0.1:8080");
        assertThat(options.pairs()).isEqualTo(100);
        assertThat(options.window()).isEqualTo(8);
        assertThat(options.ioThreads()).isEqualTo(1);
        assertThat(options.adminKey()).isEqualTo("key-0123456789abcdef");
        assertThat(options.serverPid()).isEmpty();
        assertThat(options.json()).isEmpty();
        assertThat(options.independent()).as("frames of one read batch share a flush by default").isFalse();
    }

    @Test
    void independentClientsAreAFlagOfTheThroughputAndRateModes() throws Exception {
        Options throughput = Options.parse(new String[] {"throughput", "--independent", "--pairs", "3"}, ENV);
        Options rate = Options.parse(new String[] {"rate", "--rate", "100", "--independent"}, ENV);

        assertThat(throughput.independent()).isTrue();
        assertThat(throughput.pairs()).as("the flag takes no value").isEqualTo(3);
        assertThat(rate.independent()).isTrue();
        assertThat(rate.rate()).isEqualTo(100);
        assertThatThrownBy(() -> Options.parse(new String[] {"idle", "--independent"}, ENV))
                .hasMessageContaining("--independent is for the throughput and rate modes");
        assertThatThrownBy(() -> Options.parse(new String[] {"abuse", "--abuse", "flood", "--independent"}, ENV))
                .hasMessageContaining("--independent is for the throughput and rate modes");
        assertThatThrownBy(() -> Options.parse(new String[] {"throughput", "--independent=true"}, ENV))
                .hasMessageContaining("unknown option '--independent=true'");
        assertThat(Options.HELP).contains("--independent");
    }

    @Test
    void theRelayModeNeedsAPortAndTheSecrets() throws Exception {
        Options relay = Options.parse(new String[] {"relay", "--port", "18090", "--admin-key", "relay-key-0123456789",
                "--jwt-secret", "relay-secret-long-enough-for-hs256"}, Map.of());
        Options anyPort = Options.parse(new String[] {"relay", "--port", "0"}, ENV);

        assertThat(relay.mode()).isEqualTo("relay");
        assertThat(relay.relayPort()).isEqualTo(18090);
        assertThat(relay.adminKey()).isEqualTo("relay-key-0123456789");
        assertThat(relay.jwtSecret()).isEqualTo("relay-secret-long-enough-for-hs256");
        assertThat(anyPort.relayPort()).isZero();
        assertThat(anyPort.adminKey()).isEqualTo("key-0123456789abcdef");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay"}, ENV)).hasMessageContaining("needs --port");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay", "--port", "65536"}, ENV))
                .hasMessageContaining("--port must be between 0 and 65535");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay", "--port", "0"}, Map.of()))
                .hasMessageContaining("--admin-key");
        assertThatThrownBy(() -> Options.parse(new String[] {"throughput", "--port", "8080"}, ENV))
                .hasMessageContaining("--port is for the relay mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay", "--port", "0", "--independent"}, ENV))
                .hasMessageContaining("--independent is for the throughput and rate modes");
    }

    @Test
    void optionsOverrideDefaults() throws Exception {
        Options options = Options.parse(new String[] {"idle", "--url", "http://localhost:9000/", "--connections", "500",
                "--server-pid", "1234", "--json", "out.json", "--admin-key", "other-key-0123456789",
                "--io-threads", "2"}, ENV);

        assertThat(options.httpBase()).hasToString("http://localhost:9000");
        assertThat(options.connections()).isEqualTo(500);
        assertThat(options.ioThreads()).isEqualTo(2);
        assertThat(options.serverPid()).hasValue(1234);
        assertThat(options.json()).isPresent();
        assertThat(options.adminKey()).isEqualTo("other-key-0123456789");
    }

    @Test
    void theStormModeHasItsOwnDefaultsAndOptions() throws Exception {
        Options defaults = Options.parse(new String[] {"storm"}, ENV);
        Options given = Options.parse(new String[] {"storm", "--connections", "20", "--restart-command",
                "kill -9 $(cat server.pid); ./start.sh &", "--reconnect-timeout", "30"}, ENV);

        assertThat(defaults.connections()).isEqualTo(1000);
        assertThat(defaults.rate()).isEqualTo(200);
        assertThat(defaults.durationSeconds()).isEqualTo(5);
        assertThat(defaults.reconnectTimeoutSeconds()).isEqualTo(60);
        assertThat(defaults.restartCommand()).isEmpty();
        assertThat(defaults.reconnectBackoff()).isEqualTo(new Backoff(100, 2_000));
        assertThat(given.connections()).isEqualTo(20);
        assertThat(given.restartCommand()).hasValue("kill -9 $(cat server.pid); ./start.sh &");
        assertThat(given.reconnectTimeoutSeconds()).isEqualTo(30);
        assertThat(Options.HELP).contains("storm").contains("--restart-command").contains("--reconnect-timeout")
                .contains("--retry-delay-ms").contains("--retry-max-delay-ms");
    }

    @Test
    void theStormsBackoffIsGivenInMillisecondsWithACapNotBelowTheFirstPause() throws Exception {
        assertThat(Options.parse(new String[] {"storm", "--retry-delay-ms", "250", "--retry-max-delay-ms", "8000"},
                ENV).reconnectBackoff()).isEqualTo(new Backoff(250, 8_000));
        assertThat(Options.parse(new String[] {"storm", "--retry-delay-ms", "5000"}, ENV).reconnectBackoff())
                .as("a first pause above the default cap raises the default cap to it")
                .isEqualTo(new Backoff(5_000, 5_000));
        assertThat(Options.parse(new String[] {"storm", "--retry-max-delay-ms", "300"}, ENV).reconnectBackoff())
                .isEqualTo(new Backoff(100, 300));
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--retry-delay-ms", "500",
                "--retry-max-delay-ms", "400"}, ENV)).hasMessageContaining("at least --retry-delay-ms");
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--retry-delay-ms", "0"}, ENV))
                .hasMessageContaining("--retry-delay-ms must be between 1");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--retry-delay-ms", "100"}, ENV))
                .hasMessageContaining("for the storm mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"throughput", "--retry-max-delay-ms", "100"}, ENV))
                .hasMessageContaining("for the storm mode");
    }

    @Test
    void stormOptionsAreRefusedElsewhereAndOddCrowdsInAStorm() {
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--restart-command", "true"}, ENV))
                .hasMessageContaining("for the storm mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"idle", "--reconnect-timeout", "5"}, ENV))
                .hasMessageContaining("for the storm mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--connections", "21"}, ENV))
                .hasMessageContaining("even");
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--restart-command", " "}, ENV))
                .hasMessageContaining("blank");
    }

    @Test
    void everyModeIsListedAndEachModesOptionsAreRefusedByTheOthers() {
        assertThat(Options.MODES).containsExactly("throughput", "rate", "idle", "abuse", "storm", "relay");
        for (String mode : Options.MODES) {
            assertThat(Options.HELP).as("--help names " + mode).containsPattern("(?m)^  " + mode + " ");
        }
        assertThatThrownBy(() -> Options.parse(new String[] {"fast"}, ENV))
                .hasMessageContaining("throughput, rate, idle, abuse, storm, relay");
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--independent"}, ENV))
                .hasMessageContaining("--independent is for the throughput and rate modes");
        assertThatThrownBy(() -> Options.parse(new String[] {"storm", "--port", "0"}, ENV))
                .hasMessageContaining("--port is for the relay mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay", "--port", "0", "--restart-command", "true"},
                ENV)).hasMessageContaining("for the storm mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"relay", "--port", "0", "--reconnect-timeout", "5"},
                ENV)).hasMessageContaining("for the storm mode");
    }

    @Test
    void badCommandLinesAreRefusedWithAReason() {
        assertThatThrownBy(() -> Options.parse(new String[] {}, ENV)).hasMessageContaining("mode is required");
        assertThatThrownBy(() -> Options.parse(new String[] {"fast"}, ENV)).hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--speed", "1"}, ENV))
                .hasMessageContaining("unknown option");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--rate"}, ENV)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--rate", "0"}, ENV))
                .hasMessageContaining("between");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--rate", "lots"}, ENV))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate"}, Map.of())).hasMessageContaining("--admin-key");
    }

    @Test
    void aReceiverUrlSendsTheReceiversToAnotherNode() throws Exception {
        Options oneNode = Options.parse(new String[] {"throughput"}, ENV);
        Options twoNodes = Options.parse(new String[] {"rate", "--url", "http://127.0.0.1:8080",
                "--receiver-url", "http://127.0.0.1:8081/"}, ENV);

        assertThat(oneNode.receiverWsBase()).hasToString("ws://127.0.0.1:8080");
        assertThat(twoNodes.wsBase()).hasToString("ws://127.0.0.1:8080");
        assertThat(twoNodes.receiverWsBase()).hasToString("ws://127.0.0.1:8081");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--receiver-url", "http://192.0.2.10:8080"}, ENV))
                .hasMessageContaining("--receiver-url must be a loopback address");
        assertThatThrownBy(() -> Options.parse(new String[] {"idle", "--receiver-url", "http://127.0.0.1:8081"}, ENV))
                .hasMessageContaining("throughput and rate");
    }

    @Test
    void onlyLoopbackTargetsAreAccepted() {
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--url", "http://192.0.2.10:8080"}, ENV))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--url", "ftp://127.0.0.1:21"}, ENV))
                .hasMessageContaining("http://127.0.0.1:8080");
    }

    @Test
    void theAbuseModeNeedsAKindAndTakesItsDefaultsFromIt() throws Exception {
        Options connections = Options.parse(new String[] {"abuse", "--abuse", "connections"}, ENV);
        Options slowConsumer = Options.parse(new String[] {"abuse", "--abuse", "Slow-Consumer", "--bystander-rate",
                "10", "--abuse-rate", "100", "--body-chars", "5000", "--connections", "8"}, ENV);
        Options flood = Options.parse(new String[] {"abuse", "--abuse", "flood"}, ENV);

        assertThat(connections.abuse()).hasValue(AbuseKind.CONNECTIONS);
        assertThat(connections.connections()).isEqualTo(2_000);
        assertThat(connections.bystanderRate()).isEqualTo(20);
        assertThat(connections.abuseRate()).isEqualTo(20);
        assertThat(connections.bodyChars()).isZero();
        assertThat(slowConsumer.abuse()).hasValue(AbuseKind.SLOW_CONSUMER);
        assertThat(slowConsumer.connections()).isEqualTo(8);
        assertThat(slowConsumer.bystanderRate()).isEqualTo(10);
        assertThat(slowConsumer.abuseRate()).isEqualTo(100);
        assertThat(slowConsumer.bodyChars()).isEqualTo(5_000);
        assertThat(flood.connections()).isEqualTo(4);
        assertThat(flood.window()).isEqualTo(64);
        assertThat(Options.parse(new String[] {"abuse", "--abuse", "slow-consumer"}, ENV).bodyChars()).isEqualTo(9_000);
        assertThat(Options.parse(new String[] {"abuse", "--abuse", "slow-bodies"}, ENV).connections()).isEqualTo(2_000);
        assertThat(Options.parse(new String[] {"idle"}, ENV).connections()).isEqualTo(1_000);
        assertThat(Options.parse(new String[] {"idle"}, ENV).abuse()).isEmpty();
    }

    @Test
    void abuseOptionsAreRefusedOutsideTheirMode() {
        assertThatThrownBy(() -> Options.parse(new String[] {"abuse"}, ENV))
                .hasMessageContaining("needs --abuse flood, connections, slow-consumer, slow-bodies, slow-headers");
        assertThatThrownBy(() -> Options.parse(new String[] {"abuse", "--abuse", "ddos"}, ENV))
                .hasMessageContaining("unknown --abuse 'ddos'");
        assertThatThrownBy(() -> Options.parse(new String[] {"rate", "--abuse", "flood"}, ENV))
                .hasMessageContaining("--abuse is for the abuse mode");
        assertThatThrownBy(() -> Options.parse(new String[] {"abuse", "--abuse", "flood", "--receiver-url",
                "http://127.0.0.1:8081"}, ENV)).hasMessageContaining("throughput and rate");
        assertThatThrownBy(() -> Options.parse(new String[] {"abuse", "--abuse", "flood", "--bystander-rate", "0"},
                ENV)).hasMessageContaining("--bystander-rate must be between");
        assertThatThrownBy(() -> Options.parse(new String[] {"idle", "--connections", "1"}, ENV))
                .hasMessageContaining("--connections must be between 2");
    }
}
