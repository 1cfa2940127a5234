package org.parley.application.port.out;

/**
 * What a metrics scraper is shown (contract §17, {@code GET /metrics}): every meter of this node, in one text format.
 * The REST adapter serves it as it is; the format is the metrics adapter's (Prometheus's text format today).
 */
public interface MetricsExposition {

    /** The media type of {@link #scrape()}, for {@code Content-Type}. */
    String contentType();

    /** Every meter's current value, as text. Never throws. */
    String scrape();
}
