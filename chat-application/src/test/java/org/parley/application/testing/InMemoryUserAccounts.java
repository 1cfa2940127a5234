package org.parley.application.testing;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.RuleSubject;

/**
 * {@link UserAccounts} in memory, for tests. Thread-safe (every method holds the instance lock), with the same
 * uniqueness rules as a real store: one account per id and per e-mail address ignoring case.
 */
public final class InMemoryUserAccounts implements UserAccounts {

    private final Map<UserId, Account> byId = new LinkedHashMap<>();
    private final Map<String, UserId> idByEmail = new HashMap<>();

    @Override
    public synchronized Optional<User> findById(UserId id) {
        return Optional.ofNullable(byId.get(id)).map(Account::user);
    }

    @Override
    public synchronized Map<UserId, User> findAllById(Collection<UserId> ids) {
        Map<UserId, User> found = new HashMap<>();
        for (UserId id : ids) {
            Account account = byId.get(id);
            if (account != null) {
                found.put(id, account.user());
            }
        }
        return found;
    }

    @Override
    public synchronized Optional<Account> findByEmail(EmailAddress email) {
        return Optional.ofNullable(idByEmail.get(email.normalized())).map(byId::get);
    }

    @Override
    public synchronized void add(Account account) {
        Objects.requireNonNull(account, "account");
        User user = account.user();
        if (idByEmail.containsKey(user.email().normalized())) {
            throw Conflict.emailTaken();
        }
        if (byId.containsKey(user.id())) {
            throw new Conflict(RuleSubject.USER_ID, "A user with this id already exists");
        }
        byId.put(user.id(), account);
        idByEmail.put(user.email().normalized(), user.id());
    }

    @Override
    public synchronized void update(User user) {
        Objects.requireNonNull(user, "user");
        Account current = byId.get(user.id());
        if (current == null) {
            throw new IllegalStateException("No user with id " + user.id());
        }
        update(user, current.password());
    }

    @Override
    public synchronized void update(User user, EncodedPassword password) {
        Objects.requireNonNull(user, "user");
        update(user, Optional.of(Objects.requireNonNull(password, "password")));
    }

    private void update(User user, Optional<EncodedPassword> password) {
        Account current = byId.get(user.id());
        if (current == null) {
            throw new IllegalStateException("No user with id " + user.id());
        }
        UserId owner = idByEmail.get(user.email().normalized());
        if (owner != null && !owner.equals(user.id())) {
            throw Conflict.emailTaken();
        }
        idByEmail.remove(current.user().email().normalized());
        idByEmail.put(user.email().normalized(), user.id());
        User kept = current.user();
        User updated = new User(user.id(), user.email(), user.profile(), user.status(), kept.lastLogin(),
                kept.createdAt(), user.updatedAt());
        byId.put(user.id(), new Account(updated, password));
    }

    @Override
    public synchronized void recordLogin(UserId id, Instant at) {
        Objects.requireNonNull(at, "at");
        Account current = byId.get(id);
        if (current != null) {
            byId.put(id, new Account(current.user().loggedInAt(at), current.password()));
        }
    }
}
