/**
 * Driven ports: everything a use case needs from outside the hexagon. Each is implemented by an adapter and chosen in
 * {@code bootstrap}; the test-jar of this module has an in-memory fake of each and contract tests for the stores.
 *
 * <p>Storage methods are each one unit of work (one transaction), designed so that no use case needs two of them to
 * be atomic together.
 */
package org.parley.application.port.out;
