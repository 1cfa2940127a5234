/**
 * Driving ports: one interface per user intent, each with a single method and its own command or query record.
 * Adapters depend on these interfaces, never on the services that implement them.
 */
package org.parley.application.port.in;
