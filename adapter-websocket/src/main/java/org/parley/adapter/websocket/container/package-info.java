/**
 * Where Parley works below JSR-356 to run Tyrus's websockets on the Grizzly server that also carries Jersey: every
 * workaround of Grizzly or Tyrus behaviour that the websocket adapter needs, each in its own class, whose Javadoc
 * names the library behaviour (with the library's class and method), the versions it was checked on and the test that
 * proves it still holds. The table of all of them, bootstrap's included, is {@code docs/workarounds.md}; a test in
 * bootstrap ({@code WorkaroundsTableTest}) fails when the Grizzly, Tyrus or Jersey on the class path is not the version
 * the table was checked on, so an upgrade forces a re-check.
 *
 * <p>The websocket adapter uses three types of this package: {@link org.parley.adapter.websocket.container.TyrusOnGrizzly}
 * (the container on a listener, with everything it needs),
 * {@link org.parley.adapter.websocket.container.HandshakeRefusal} (a real HTTP refusal of a handshake) and
 * {@link org.parley.adapter.websocket.container.FrameWriter} (a connection's writer, for text frames framed once).
 * Everything else is package-private. Nothing here knows the chat: this package depends on no other Parley package.
 */
package org.parley.adapter.websocket.container;
