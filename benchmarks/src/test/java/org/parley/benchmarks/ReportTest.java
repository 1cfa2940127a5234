package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    private Report report(Ledger.Reconciliation accounting, int closes) {
        return new Report("throughput", Instant.parse("2026-11-24T22:00:00Z"))
                .parameter("pairs", 100)
                .figure("delivered_per_s", 1234.5)
                .figure("latency_p99_ms", 3.25)
                .accounting(accounting, closes, 0);
    }

    @Test
    void theSummaryShowsFiguresAndTheAccounting() {
        String summary = report(new Ledger.Reconciliation(10, 10, 10, 0, 0, 0, 0), 0).summary();

        assertThat(summary).contains("Parley benchmark: throughput", "pairs", "1,234.5", "3.250",
                "sent 10, confirmed 10, received 10", "LOST 0, DUPLICATED 0", "OK:");
        assertThat(summary.lines().count()).isLessThan(40);
    }

    @Test
    void lostMessagesOrBrokenConnectionsFailTheRun() {
        assertThat(report(new Ledger.Reconciliation(10, 9, 10, 1, 0, 0, 0), 0).clean()).isFalse();
        assertThat(report(new Ledger.Reconciliation(10, 10, 10, 0, 0, 0, 0), 1).clean()).isFalse();
        assertThat(report(new Ledger.Reconciliation(10, 9, 10, 1, 0, 0, 0), 0).summary()).contains("LOST 1", "FAILED");
    }

    @Test
    void theJsonHoldsParametersFiguresAndAccounting() throws Exception {
        Path file = dir.resolve("sub/out.json");

        report(new Ledger.Reconciliation(10, 10, 9, 1, 2, 0, 0), 0).writeJson(file);

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.path("mode").asText()).isEqualTo("throughput");
        assertThat(json.path("parameters").path("pairs").asInt()).isEqualTo(100);
        assertThat(json.path("figures").path("delivered_per_s").asDouble()).isEqualTo(1234.5);
        assertThat(json.path("accounting").path("lost").asLong()).isEqualTo(1);
        assertThat(json.path("accounting").path("duplicated").asLong()).isEqualTo(2);
        assertThat(json.path("clean").asBoolean()).isFalse();
        assertThat(json.path("machine").path("processors").asInt()).isPositive();
    }

    @Test
    void anAbuseReportShowsTheKindTheBystanderAndTheAbuseCounters() {
        String summary = new Report("abuse", Instant.parse("2026-11-29T22:00:00Z"))
                .parameter("abuse", "flood")
                .parameter("bystander_rate_per_s", 20)
                .figure("bystander_abused_p99_ms", 12.5)
                .figure("abuse_rate_limited", 30_476L)
                .accounting(new Ledger.Reconciliation(100, 100, 100, 0, 0, 0, 0), 0, 0)
                .summary();

        assertThat(summary).contains("Parley benchmark: abuse", "flood", "bystander_abused_p99_ms", "12.500",
                "abuse_rate_limited", "30,476", "LOST 0", "OK:");
    }
}
