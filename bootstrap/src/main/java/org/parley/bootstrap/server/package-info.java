/**
 * Parley's HTTP behaviour at the level of its one Grizzly server, below Jersey and Tyrus: bootstrap's workarounds of
 * Grizzly and Jersey behaviour, one class each (see {@link org.parley.bootstrap.server.ServerLevelHttp}, the one
 * public type, and {@code docs/workarounds.md}).
 */
package org.parley.bootstrap.server;
