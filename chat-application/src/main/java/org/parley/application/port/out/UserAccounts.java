package org.parley.application.port.out;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** The user directory and credential store. *
 * <p>Any method throws {@link org.parley.application.error.Unavailable} when the store cannot be reached (the database
 * is down or does not answer in time).
 */
public interface UserAccounts {

    Optional<User> findById(UserId id);

    /**
     * The user with this id when this directory holds it in memory now, without reading the store or waiting for a
     * load in flight; empty when it does not (whether or not the user exists: then ask {@link #findById}). Never
     * throws {@link org.parley.application.error.Unavailable}. The default holds nothing.
     */
    default Optional<User> findHeld(UserId id) {
        return Optional.empty();
    }

    /** The users among {@code ids} that exist, in one round trip whatever the number of ids. */
    Map<UserId, User> findAllById(Collection<UserId> ids);

    /** The account with this e-mail address, ignoring case. */
    Optional<Account> findByEmail(EmailAddress email);

    /**
     * Stores a new account.
     *
     * @throws Conflict when the e-mail address (ignoring case) or the id is already taken
     */
    void add(Account account);

    /**
     * Replaces the e-mail, profile, status and update time of an existing user; credentials, creation time and last
     * log-in are untouched.
     *
     * @throws Conflict when the new e-mail address belongs to another user
     * @throws IllegalStateException when the user does not exist
     */
    void update(User user);

    /**
     * As {@link #update(User)}, and replaces the user's password with {@code password}, in one write (a backend moving
     * its users over with their password hashes, contract §17).
     *
     * @throws Conflict when the new e-mail address belongs to another user (then nothing changes)
     * @throws IllegalStateException when the user does not exist
     */
    void update(User user, EncodedPassword password);

    void recordLogin(UserId id, Instant at);

    /**
     * Forgets what this node holds in memory of {@code user}, so that its next look-up reads the store: the user was
     * changed elsewhere (through another node). A directory that holds nothing in memory has nothing to forget.
     */
    default void forgetCached(UserId user) {
    }
}
