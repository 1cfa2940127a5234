/**
 * The storage adapter: the chat application's storage ports ({@code UserAccounts}, {@code ThreadRepository},
 * {@code MessageRepository}) on Hibernate ORM, a HikariCP pool and a Flyway-migrated schema, on embedded H2 or
 * PostgreSQL.
 *
 * <p>Only {@link org.parley.adapter.persistence.PersistenceModule} (start, the ports, close),
 * {@link org.parley.adapter.persistence.DatabaseSettings}, {@link org.parley.adapter.persistence.CacheSettings} and
 * {@link org.parley.adapter.persistence.PersistenceStartupException} are public. Entities, their mappers and the
 * repositories are package-private, and no entity ever leaves a repository method: each method is one transaction
 * that returns domain values. Unique violations that the ports define (a taken e-mail address, a thread created
 * concurrently) become their application outcomes; every other database failure stays an exception.
 *
 * <p>{@code CachingUserAccounts} and {@code CachingThreadRepository} wrap the Hibernate user and thread stores so that
 * a websocket handshake or message pays no database round trip for a user or thread read a moment ago; the ports'
 * meaning is unchanged (writes through this server are seen at once, absence is never cached, and other servers'
 * changes to a user are seen within the configured lifetime).
 */
package org.parley.adapter.persistence;
