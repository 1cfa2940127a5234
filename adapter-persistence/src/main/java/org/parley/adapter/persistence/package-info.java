/**
 * The storage adapter: the chat application's storage ports ({@code UserAccounts}, {@code ThreadRepository},
 * {@code MessageRepository}) on Hibernate ORM, a HikariCP pool and a Flyway-migrated schema, on embedded H2 or
 * PostgreSQL.
 *
 * <p>Only {@link org.parley.adapter.persistence.PersistenceModule} (start, the ports, close),
 * {@link org.parley.adapter.persistence.DatabaseSettings} and
 * {@link org.parley.adapter.persistence.PersistenceStartupException} are public. Entities, their mappers and the
 * repositories are package-private, and no entity ever leaves a repository method: each method is one transaction
 * that returns domain values. Unique violations that the ports define (a taken e-mail address, a thread created
 * concurrently) become their application outcomes; every other database failure stays an exception.
 */
package org.parley.adapter.persistence;
