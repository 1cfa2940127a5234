package org.parley.application.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.parley.application.port.in.ShowPresence;
import org.parley.application.port.out.PresenceRepository;
import org.parley.application.port.out.PresenceStore;
import org.parley.domain.user.UserId;

/**
 * One query for the named users who share a thread with the caller and their {@code last_seen}
 * ({@link PresenceRepository#partnersAmong}), then one question to the {@link PresenceStore} for which of them are
 * online. Users outside the caller's threads never reach the store.
 */
public final class ShowPresenceService implements ShowPresence {

    private final PresenceRepository repository;
    private final PresenceStore store;

    public ShowPresenceService(PresenceRepository repository, PresenceStore store) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Map<UserId, Presence> show(Query query) {
        if (query.users().isEmpty()) {
            return Map.of();
        }
        Map<UserId, Optional<Instant>> partners = repository.partnersAmong(query.caller(), query.users());
        if (partners.isEmpty()) {
            return Map.of();
        }
        Set<UserId> online = store.online(partners.keySet());
        Map<UserId, Presence> shown = new LinkedHashMap<>();
        partners.forEach((user, lastSeen) -> shown.put(user, online.contains(user)
                ? new Presence(true, Optional.empty()) : new Presence(false, lastSeen)));
        return shown;
    }
}
