/**
 * Group commit: the one path by which messages are stored ({@link org.parley.application.groupcommit.MessageWriter},
 * the implementation of the {@link org.parley.application.port.out.StoreMessages} port). Use cases hand drafts to the
 * port; it stores them in batches and publishes each message's event only after its batch committed.
 */
package org.parley.application.groupcommit;
