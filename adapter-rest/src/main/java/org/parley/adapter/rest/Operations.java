package org.parley.adapter.rest;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.in.CheckReadiness;
import org.parley.application.port.out.MetricsExposition;

/**
 * The operations endpoints of contract §17, for {@link RestApi#resourceConfig(RestUseCases, RestSettings, Operations)}.
 *
 * @param readiness    answers {@code GET /health/ready} ({@code GET /health/live} needs nothing)
 * @param metrics      what {@code GET /metrics} shows; empty: metrics are off and {@code /metrics} answers 404
 * @param metricsToken when present, {@code GET /metrics} needs {@code Authorization: Bearer <it>} (401 otherwise);
 *                     only with {@code metrics}
 */
public record Operations(CheckReadiness readiness, Optional<MetricsExposition> metrics, Optional<String> metricsToken) {

    public Operations {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(metricsToken, "metricsToken");
        if (metricsToken.isPresent() && (metrics.isEmpty() || metricsToken.get().isBlank())) {
            throw new IllegalArgumentException("A metrics token needs metrics, and must not be blank");
        }
    }

    @Override
    public String toString() {
        return "Operations[metrics=" + (metrics.isPresent() ? "on" : "off") + ", metricsToken="
                + (metricsToken.isPresent() ? "***" : "<none>") + "]";
    }
}
