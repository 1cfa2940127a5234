/**
 * The metrics adapter (contract §17): {@link org.parley.adapter.metrics.MicrometerChatMetrics} implements the
 * application's {@link org.parley.application.port.out.ChatMetrics} (what is counted) and
 * {@link org.parley.application.port.out.MetricsExposition} (what a scraper is shown) with Micrometer and its
 * Prometheus registry. Micrometer is used here only.
 */
package org.parley.adapter.metrics;
