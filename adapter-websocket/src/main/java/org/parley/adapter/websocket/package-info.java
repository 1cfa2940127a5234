/**
 * The websocket adapter: the seed API's chat socket ({@code /ws/chat/room/}) served by Tyrus on Parley's one Grizzly
 * server (the driving side), and the {@link org.parley.application.port.out.EventDelivery} to this node's open
 * connections (the driven side). The two meet only in the registry of connections.
 *
 * <p>Bootstrap uses four types: {@link org.parley.adapter.websocket.ConnectionRegistry} (who is connected here),
 * {@link org.parley.adapter.websocket.WebSocketDelivery} (the delivery port over that registry, given to the use
 * cases, or wrapped by a cross-node bus), {@link org.parley.adapter.websocket.WebSocketSettings} and
 * {@link org.parley.adapter.websocket.ChatWebSocket#attachTo} (the endpoint, filling the registry). Everything else is
 * package-private, except {@link org.parley.adapter.websocket.ChatEndpoint}, which Tyrus needs to reach reflectively.
 *
 * <p>Where Parley works below JSR-356 (Tyrus's container on Parley's own Grizzly server, upgraded connections, the frame
 * size guard, the handshake refusal, worker threads), it does so in the subpackage
 * {@link org.parley.adapter.websocket.container}, one class per workaround; see {@code docs/workarounds.md}.
 *
 * <p>Wire behaviour (contract §4, §8): the handshake is authenticated by {@code ?token=} or
 * {@code Authorization: Bearer} and refused with HTTP 401; frames are the seed's, field for field; a bad frame is
 * answered with an error frame and the connection stays open; binary frames are answered with a
 * {@code validation_error}; a message above the size limit closes the connection with 1009.
 */
package org.parley.adapter.websocket;
