package org.parley.adapter.rest;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** A small in-memory user directory for this module's tests. */
final class InMemoryUsers implements UserAccounts {

    private final Map<UserId, Account> accounts = new HashMap<>();

    @Override
    public synchronized Optional<User> findById(UserId id) {
        return Optional.ofNullable(accounts.get(id)).map(Account::user);
    }

    @Override
    public synchronized Map<UserId, User> findAllById(Collection<UserId> ids) {
        Map<UserId, User> found = new HashMap<>();
        ids.forEach(id -> findById(id).ifPresent(user -> found.put(id, user)));
        return found;
    }

    @Override
    public synchronized Optional<Account> findByEmail(EmailAddress email) {
        return accounts.values().stream()
                .filter(account -> account.user().email().normalized().equals(email.normalized()))
                .findFirst();
    }

    @Override
    public synchronized void add(Account account) {
        if (accounts.containsKey(account.user().id()) || findByEmail(account.user().email()).isPresent()) {
            throw Conflict.emailTaken();
        }
        accounts.put(account.user().id(), account);
    }

    @Override
    public synchronized void update(User user) {
        Account current = accounts.get(user.id());
        if (current == null) {
            throw new IllegalStateException("no such user");
        }
        Optional<Account> owner = findByEmail(user.email());
        if (owner.isPresent() && !owner.get().user().id().equals(user.id())) {
            throw Conflict.emailTaken();
        }
        accounts.put(user.id(), new Account(user, current.password()));
    }

    @Override
    public synchronized void recordLogin(UserId id, Instant at) {
        Account current = accounts.get(id);
        accounts.put(id, new Account(current.user().loggedInAt(at), current.password()));
    }
}
