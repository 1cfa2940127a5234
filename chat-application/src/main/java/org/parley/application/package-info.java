/**
 * Parley's use cases, between the domain and the adapters.
 *
 * <ul>
 *   <li>{@link org.parley.application.port.in} — driving ports: one interface per intent (send a text message, list a
 *       conversation page, log in …) with its command or query record. REST and websocket adapters call these.</li>
 *   <li>{@link org.parley.application.port.out} — driven ports: what the use cases need from the outside world
 *       (storage, accounts, password hashing, tokens, content types, events to connected users, time). Adapters
 *       implement these, except {@link org.parley.application.port.out.StoreMessages}, which group commit does.</li>
 *   <li>{@link org.parley.application.service} — the use-case implementations, built by hand in {@code bootstrap}.</li>
 *   <li>{@link org.parley.application.groupcommit} — group commit, the one way messages are stored.</li>
 *   <li>{@link org.parley.application.error} — the failures a use case reports, which every adapter translates into
 *       its own error (an HTTP status and failure envelope, or an error frame).</li>
 * </ul>
 */
package org.parley.application;
