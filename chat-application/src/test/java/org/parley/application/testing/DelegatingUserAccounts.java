package org.parley.application.testing;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** {@link UserAccounts} that passes every call on; tests override the calls they want to watch or break. */
public class DelegatingUserAccounts implements UserAccounts {

    private final UserAccounts delegate;

    public DelegatingUserAccounts(UserAccounts delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Optional<User> findById(UserId id) {
        return delegate.findById(id);
    }

    @Override
    public Optional<User> findHeld(UserId id) {
        return delegate.findHeld(id);
    }

    @Override
    public Map<UserId, User> findAllById(Collection<UserId> ids) {
        return delegate.findAllById(ids);
    }

    @Override
    public Optional<Account> findByEmail(EmailAddress email) {
        return delegate.findByEmail(email);
    }

    @Override
    public void add(Account account) {
        delegate.add(account);
    }

    @Override
    public void update(User user) {
        delegate.update(user);
    }

    @Override
    public void update(User user, EncodedPassword password) {
        delegate.update(user, password);
    }

    @Override
    public void recordLogin(UserId id, Instant at) {
        delegate.recordLogin(id, at);
    }

    @Override
    public void forgetCached(UserId user) {
        delegate.forgetCached(user);
    }
}
