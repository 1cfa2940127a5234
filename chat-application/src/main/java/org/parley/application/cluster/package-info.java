/**
 * What each node does so that several nodes form one chat service (contract §18); with one node, it is the only one.
 * <ul>
 *   <li>{@link org.parley.application.cluster.ConversationOrder}: keeps each conversation's frames in id order on this
 *       node when its events come from several nodes, and closes, to catch up, the connections that missed one;</li>
 *   <li>{@link org.parley.application.cluster.DeletionsStayLast}: an edit delivered after its message's deletion
 *       (the two requests raced) goes as the deletion again, so a deleted message stays deleted on every screen;</li>
 *   <li>{@link org.parley.application.cluster.LocalUserChanges}: what this node does when a user's account changed
 *       (anywhere): forgets the cached user and closes the connections of a deactivated one;</li>
 *   <li>{@link org.parley.application.cluster.LocalSendBudget} and
 *       {@link org.parley.application.cluster.LocalLogInAttempts}: the limits of contract §16 (send rate, failed
 *       log-ins) in this node's memory, for one node; several nodes share the Redis adapter's instead.</li>
 *   <li>{@link org.parley.application.cluster.LocalConnectionCensus}: the open websockets of each user when this node
 *       is the only one (contract §16); several nodes count them in a shared store instead (an adapter of
 *       {@link org.parley.application.port.out.ConnectionCensus}).</li>
 * </ul>
 * All are framework-free and built by bootstrap; a bus between nodes (an adapter) reaches them through the ports they
 * implement ({@link org.parley.application.port.out.EventDelivery}, {@link org.parley.application.port.out.UserChanges},
 * {@link org.parley.application.port.out.OpenConnections}) only.
 */
package org.parley.application.cluster;
