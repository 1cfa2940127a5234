/**
 * Parley's load benchmark: a client of the public API only (admin upsert, HS256 access tokens, the seed's websocket
 * frames) that measures throughput, latency at a fixed rate, the cost of idle connections, a bystander's latency
 * while one user abuses the server and how fast every client reconnects and catches up after a restart, and checks
 * that every message was confirmed and delivered exactly once; and a bare in-memory reference relay
 * ({@link org.parley.benchmarks.ReferenceRelay}, the relay mode) to state those figures against.
 */
package org.parley.benchmarks;
