/**
 * Webhooks (contract §15): {@link org.parley.application.webhook.WebhookRelay} sends the events of the durable outbox
 * ({@link org.parley.application.port.out.WebhookOutbox}) to the app's backend
 * ({@link org.parley.application.port.out.WebhookEndpoint}) on threads of its own: at least once, in order per
 * receiver, with exponential backoff ({@link org.parley.application.webhook.Backoff}), one node at a time per event.
 * Framework-free and built by bootstrap, like group commit.
 */
package org.parley.application.webhook;
