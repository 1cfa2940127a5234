package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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

    @Override
    public Optional<User> findById(UserId id) {
        Objects.requireNonNull(id, "id");
        return transactions.stateless(session ->
                Optional.ofNullable(session.get(UserEntity.class, id.value())).map(UserMapper::toUser));
    }

    @Override
    public Map<UserId, User> findAllById(Collection<UserId> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<UUID> keys = ids.stream().map(UserId::value).distinct().toList();
        if (keys.size() == 1) {
            // A primary-key find: its statement is prepared once, while an "in" list costs a new query plan per call.
            UserId only = new UserId(keys.get(0));
            return findById(only).map(user -> Map.of(only, user)).orElseGet(Map::of);
        }
        List<UserEntity> found = transactions.read(session -> session
                .createSelectionQuery("from UserEntity u where u.id in :ids", UserEntity.class)
                .setParameter("ids", keys)
                .getResultList());
        Map<UserId, User> users = new HashMap<>();
        found.forEach(entity -> users.put(new UserId(entity.id), UserMapper.toUser(entity)));
        return users;
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
