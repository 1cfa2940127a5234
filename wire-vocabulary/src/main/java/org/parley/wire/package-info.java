/**
 * The seed API's vocabulary that both driving adapters speak: how a {@link org.parley.domain.chat.MessageType} is
 * named in {@code message_type} ({@link org.parley.wire.MessageTypeNames}) and how an attachment's size is shown in
 * {@code attached_file_size} ({@link org.parley.wire.FileSizeText}), and the date and time both APIs' timestamps
 * begin with ({@link org.parley.wire.UtcMicros}). Words only, no format: the REST and websocket
 * adapters write them into their own JSON. Depends on the domain and the JDK only; the architecture rules let only
 * the REST and websocket adapters (and bootstrap) use it, so that storage never borrows an API word as a database code.
 *
 * <p>What the two adapters say differently stays in each of them: the timestamps' zone ({@code …Z} in REST,
 * {@code …+00:00} in frames), field names, error codes.
 */
package org.parley.wire;
