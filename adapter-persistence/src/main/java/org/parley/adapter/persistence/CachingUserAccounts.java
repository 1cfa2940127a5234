package org.parley.adapter.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * {@link UserAccounts} that serves {@link #findById} from memory after the first database read, because every
 * websocket handshake (token to active user) and every message (the receiver must be active) looks a user up by id.
 *
 * <p><b>Writes through this server are seen at once, and fill the cache.</b> {@link #add}, {@link #update} and
 * {@link #recordLogin} run inside a {@code compute} on the user's entry: the write commits, then the user is read back
 * and the committed row becomes the entry. So a user is usually found in memory right after an upsert (the first
 * handshake of a new user costs no query), and what is held is what the database holds, not the caller's argument
 * (a {@code lastLogin} recorded meanwhile, instants as the database rounds them). Everything that changes one user's
 * entry on this server holds that entry's lock for its whole run: two writes of one user, or a write and a load
 * ({@link Cache#get(Object, java.util.function.Function)}), happen one after the other, so the entry always ends as the
 * row left by the last of them, never an older one. The price: a write waits for a write or load of the same user in
 * flight (each a few primary-key statements). A write that fails leaves no entry, because its outcome may be unknown;
 * a read-back that fails after the write committed leaves no entry either (the next look-up loads it), and the write
 * still reports success.
 *
 * <p><b>Writes through other servers</b> sharing the database cannot reach this cache by themselves: with a bus between
 * the nodes, the change is announced and {@link #forgetCached} drops the entry at once (contract §18: within a
 * second); without one, an entry is dropped {@code lifetime} after it was read or written here, which bounds how long
 * such a change goes unseen here (a user deactivated through another server may keep authenticating and sending
 * through this one for up to that long).
 *
 * <p><b>Absent users are not cached</b>, so a user added a moment later (here or by another server) is found at once.
 * The price: look-ups of ids that do not exist (an attacker with a validly signed token for a random id, or a
 * receiver id made up by a client) all reach the database, as they did before this cache; each is one primary-key
 * probe, and tokens must be signed with the server's secret first.
 *
 * <p>{@link #findAllById} answers the users it holds from memory. <b>One user not held</b> (the common case: a
 * conversation's page names the caller, held since the token was checked, and the other user) is loaded as
 * {@link #findById} loads it, inside the entry's atomic load, and stays held: the same one statement, and the next page
 * of that conversation costs none (it was read and dropped each time, and the bulk query's {@code in} list cost
 * Hibernate a new query plan per call). <b>Several users not held</b> are read in one query, so it still costs at
 * most one round trip whatever the number of ids; those are not stored, because a bulk read is not atomic per user and
 * could put back a value that a concurrent write had just replaced. {@link #findByEmail} (log-in: it carries
 * credentials) always reads the database.
 *
 * <p><b>An expired entry is let go when it expires</b>, not at the cache's next use: a scheduler (the JVM's own delay
 * thread, {@link Scheduler#systemScheduler()}) runs the cache's maintenance about when the oldest entry expires (within
 * about a second). Before, an idle server kept every user it had read until something touched the cache again (10,000
 * idle connections of different users kept some hundreds of bytes each: docs/PERFORMANCE.md, "Fifth step"). What is
 * served does not change: an expired entry was never returned.
 *
 * <p>Call it outside any database transaction: a load runs while holding Caffeine's per-entry lock.
 */
final class CachingUserAccounts implements UserAccounts {

    private final UserAccounts delegate;
    private final Cache<UserId, User> users;

    CachingUserAccounts(UserAccounts delegate, Duration lifetime, int maximumEntries) {
        this(delegate, lifetime, maximumEntries, Ticker.systemTicker(), Scheduler.systemScheduler());
    }

    /**
     * As above, with the clock that ages entries (tests move it by hand), and no scheduled maintenance: expired entries
     * are let go by the cache's next use only.
     */
    CachingUserAccounts(UserAccounts delegate, Duration lifetime, int maximumEntries, Ticker ticker) {
        this(delegate, lifetime, maximumEntries, ticker, Scheduler.disabledScheduler());
    }

    /**
     * As above, with what runs the maintenance that lets expired entries go (tests run it by hand).
     */
    CachingUserAccounts(UserAccounts delegate, Duration lifetime, int maximumEntries, Ticker ticker,
                        Scheduler expiry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(expiry, "expiry");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive, got " + lifetime);
        }
        if (maximumEntries < 1) {
            throw new IllegalArgumentException("maximumEntries must be at least 1, got " + maximumEntries);
        }
        this.users = Caffeine.newBuilder()
                .expireAfterWrite(lifetime)
                .maximumSize(maximumEntries)
                .ticker(ticker)
                .scheduler(expiry)
                .build();
    }

    @Override
    public Optional<User> findById(UserId id) {
        Objects.requireNonNull(id, "id");
        // A null from the loader stores nothing: absence is never cached.
        return Optional.ofNullable(users.get(id, key -> delegate.findById(key).orElse(null)));
    }

    /** The user if held now ({@link Cache#getIfPresent}: no load, no wait for one in flight). */
    @Override
    public Optional<User> findHeld(UserId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(users.getIfPresent(id));
    }

    @Override
    public Map<UserId, User> findAllById(Collection<UserId> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UserId, User> found = new HashMap<>(users.getAllPresent(ids));
        List<UserId> missing = ids.stream().filter(id -> !found.containsKey(id)).distinct().toList();
        if (missing.size() == 1) {
            findById(missing.get(0)).ifPresent(user -> found.put(user.id(), user));
        } else if (!missing.isEmpty()) {
            found.putAll(delegate.findAllById(missing));
        }
        return found;
    }

    @Override
    public Optional<Account> findByEmail(EmailAddress email) {
        return delegate.findByEmail(email);
    }

    @Override
    public void add(Account account) {
        Objects.requireNonNull(account, "account");
        writeThrough(account.user().id(), () -> delegate.add(account));
    }

    @Override
    public void update(User user) {
        Objects.requireNonNull(user, "user");
        writeThrough(user.id(), () -> delegate.update(user));
    }

    @Override
    public void update(User user, EncodedPassword password) {
        Objects.requireNonNull(user, "user");
        writeThrough(user.id(), () -> delegate.update(user, password));
    }

    @Override
    public void recordLogin(UserId id, Instant at) {
        Objects.requireNonNull(id, "id");
        writeThrough(id, () -> delegate.recordLogin(id, at));
    }

    /**
     * Drops the user's entry: the next look-up reads the database. A load of this user in flight finishes first and
     * is dropped too, so no older row survives the call.
     */
    @Override
    public void forgetCached(UserId user) {
        Objects.requireNonNull(user, "user");
        users.invalidate(user);
    }

    /** Writes and then holds the committed row, under the user's entry lock (see the class comment). */
    private void writeThrough(UserId id, Runnable write) {
        try {
            users.asMap().compute(id, (key, cached) -> {
                write.run();
                return readBack(key);
            });
        } catch (RuntimeException failure) {
            users.invalidate(id);
            throw failure;
        }
    }

    /** The user as committed, or {@code null} (no entry) when it cannot be read right now. */
    private User readBack(UserId id) {
        try {
            return delegate.findById(id).orElse(null);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** How many entries the cache's table holds now, expired or not, without running its maintenance (for tests). */
    long entriesInTable() {
        return users.estimatedSize();
    }

    /** How many users are held, after pending evictions and expiries have been applied (for tests). */
    long size() {
        users.cleanUp();
        return users.estimatedSize();
    }
}
