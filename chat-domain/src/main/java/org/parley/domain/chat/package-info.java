/**
 * Conversations. A {@link org.parley.domain.chat.ChatThread} (the seed API's "thread") joins exactly two distinct
 * users, and there is one per pair; it composes the {@link org.parley.domain.chat.Message}s sent in it.
 */
package org.parley.domain.chat;
