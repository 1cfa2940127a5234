/**
 * Group commit: the one path by which messages are stored ({@link org.parley.application.groupcommit.MessageWriter}).
 * Use cases hand drafts to it; it stores them in batches and delivers each message only after its batch committed.
 */
package org.parley.application.groupcommit;
