/**
 * The delivery policy: for each event the chat causes (a stored message today), who is told, and as which
 * {@link org.parley.domain.delivery.Audience}. Adapters decide how (to every open connection of that user, on this node
 * or through a bus) and in which words; this package decides who.
 */
package org.parley.domain.delivery;
