/**
 * The bus between Parley nodes, over Redis pub/sub with Lettuce: {@link org.parley.adapter.redis.RedisEventBus}
 * implements {@link org.parley.application.port.out.EventDelivery} and
 * {@link org.parley.application.port.out.UserChanges} by wrapping this node's own, so that several nodes on one
 * database form one chat service (contract §18). Bootstrap chooses it when {@code PARLEY_REDIS_URL} is set
 * ({@link org.parley.adapter.redis.RedisBusSettings}). Lettuce and the bus's JSON stay in this package.
 */
package org.parley.adapter.redis;
