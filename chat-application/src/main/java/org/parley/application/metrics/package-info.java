/**
 * Operations (contract §17): what the application counts without any use case knowing of it
 * ({@link org.parley.application.metrics.CountedLimits}), reported through the
 * {@link org.parley.application.port.out.ChatMetrics} port. Built by bootstrap, like group commit.
 */
package org.parley.application.metrics;
