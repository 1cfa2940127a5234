/**
 * The use-case implementations. Each service implements one driving port and receives the driven ports it needs
 * through its constructor; {@code bootstrap} builds them.
 */
package org.parley.application.service;
