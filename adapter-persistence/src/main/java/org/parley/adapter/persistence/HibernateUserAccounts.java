package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.hibernate.Session;
import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** {@link UserAccounts} on the {@code users} table; each method is one transaction. */
final class HibernateUserAccounts implements UserAccounts {

    static final String EMAIL_CONSTRAINT = "uq_users_email_normalized";
    static final String ID_CONSTRAINT = "pk_users";

    private final Transactions transactions;

    HibernateUserAccounts(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /** One primary-key select, plain JDBC mapped straight to the user ({@link UserRows}). */
    @Override
    public Optional<User> findById(UserId id) {
        Objects.requireNonNull(id, "id");
        UUID key = id.value();
        return transactions.jdbc(connection -> UserRows.findById(connection, key));
    }

    /**
     * One statement whatever the number of ids, plain JDBC ({@link UserRows}): a primary-key select for a single id,
     * {@code id = any(?)} with the ids as one array for several.
     */
    @Override
    public Map<UserId, User> findAllById(Collection<UserId> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return Map.of();
        }
        UUID[] keys = ids.stream().map(UserId::value).distinct().toArray(UUID[]::new);
        if (keys.length == 1) {
            UserId only = new UserId(keys[0]);
            return findById(only).map(user -> Map.of(only, user)).orElseGet(Map::of);
        }
        return transactions.jdbc(connection -> UserRows.findAllById(connection, keys));
    }

    @Override
    public Optional<Account> findByEmail(EmailAddress email) {
        Objects.requireNonNull(email, "email");
        return transactions.read(session -> session
                .createSelectionQuery("from UserEntity u where u.emailNormalized = :email", UserEntity.class)
                .setParameter("email", email.normalized())
                .uniqueResultOptional()
                .map(UserMapper::toAccount));
    }

    /**
     * Checks the id and the e-mail address first, so that the usual conflict (someone registering a taken address)
     * needs no failed insert; the unique constraints still decide races between concurrent calls.
     */
    @Override
    public void add(Account account) {
        Objects.requireNonNull(account, "account");
        User user = account.user();
        try {
            transactions.write(session -> {
                if (session.find(UserEntity.class, user.id().value()) != null) {
                    throw idTaken();
                }
                if (emailOwner(session, user.email()).isPresent()) {
                    throw Conflict.emailTaken();
                }
                session.persist(UserMapper.toEntity(account));
                session.flush();
                return null;
            });
        } catch (RuntimeException failure) {
            if (UniqueViolation.of(failure, EMAIL_CONSTRAINT)) {
                throw Conflict.emailTaken();
            }
            if (UniqueViolation.of(failure, ID_CONSTRAINT)) {
                throw idTaken();
            }
            throw failure;
        }
    }

    @Override
    public void update(User user) {
        Objects.requireNonNull(user, "user");
        update(user, Optional.empty());
    }

    @Override
    public void update(User user, EncodedPassword password) {
        Objects.requireNonNull(user, "user");
        update(user, Optional.of(Objects.requireNonNull(password, "password")));
    }

    /** The user's details, and the password when one is given, in one transaction. */
    private void update(User user, Optional<EncodedPassword> password) {
        try {
            transactions.write(session -> {
                UserEntity entity = session.find(UserEntity.class, user.id().value());
                if (entity == null) {
                    throw new IllegalStateException("No user " + user.id() + " to update");
                }
                if (emailOwner(session, user.email()).filter(owner -> !owner.equals(user.id().value())).isPresent()) {
                    throw Conflict.emailTaken();
                }
                UserMapper.copyDetails(user, entity);
                password.ifPresent(hash -> entity.password = hash.value());
                session.flush();
                return null;
            });
        } catch (RuntimeException failure) {
            if (UniqueViolation.of(failure, EMAIL_CONSTRAINT)) {
                throw Conflict.emailTaken();
            }
            throw failure;
        }
    }

    /** Sets the last log-in of this user; does nothing for an unknown user (as the in-memory fake). */
    @Override
    public void recordLogin(UserId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        transactions.write(session -> session
                .createMutationQuery("update UserEntity u set u.lastLogin = :at where u.id = :id")
                .setParameter("at", StoredInstants.toColumn(at))
                .setParameter("id", id.value())
                .executeUpdate());
    }

    /** The id of the user who has this e-mail address, ignoring case. */
    private static Optional<UUID> emailOwner(Session session, EmailAddress email) {
        return session
                .createSelectionQuery("select u.id from UserEntity u where u.emailNormalized = :email", UUID.class)
                .setParameter("email", email.normalized())
                .uniqueResultOptional();
    }

    private static Conflict idTaken() {
        return new Conflict(RuleSubject.USER_ID, "A user with this id already exists");
    }
}
