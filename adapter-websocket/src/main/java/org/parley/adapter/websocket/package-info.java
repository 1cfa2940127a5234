/**
 * The websocket adapter: the seed API's chat socket ({@code /ws/chat/room/}) served by Tyrus on Parley's one Grizzly
 * server, and the in-process {@link org.parley.application.port.out.MessageDelivery} to open connections.
 *
 * <p>Bootstrap uses three types: {@link org.parley.adapter.websocket.ConnectedSessions} (the delivery port, given to
 * the use cases), {@link org.parley.adapter.websocket.WebSocketSettings} and
 * {@link org.parley.adapter.websocket.ChatWebSocket#attachTo}. Everything else is package-private, except
 * {@link org.parley.adapter.websocket.ChatEndpoint}, which Tyrus needs to reach reflectively.
 *
 * <p>Wire behaviour (contract §4, §8): the handshake is authenticated by {@code ?token=} or
 * {@code Authorization: Bearer} and refused with HTTP 401; frames are the seed's, field for field; a bad frame is
 * answered with an error frame and the connection stays open; binary frames are answered with a
 * {@code validation_error}; a message above the size limit closes the connection with 1009.
 */
package org.parley.adapter.websocket;
