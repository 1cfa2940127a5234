/**
 * The delivery policy: from a stored message, who is sent which frame. Adapters decide how (to every open
 * connection of that user, on this node or through a bus); this package decides who and what.
 */
package org.parley.domain.delivery;
