/**
 * The runnable server. {@link org.parley.bootstrap.ParleyServer} is the entry point: it reads
 * {@link org.parley.bootstrap.ParleyConfig} from the environment, and {@link org.parley.bootstrap.Parley} builds the
 * object graph by hand — adapters, then the use-case services, then the Grizzly server that carries REST and
 * websockets on one port. This is the only module that knows every other one.
 *
 * <p>Where bootstrap works around Grizzly's or Jersey's own HTTP behaviour, below both adapters, it does so in
 * {@link org.parley.bootstrap.server} (one class per workaround; see {@code docs/workarounds.md}).
 */
package org.parley.bootstrap;
