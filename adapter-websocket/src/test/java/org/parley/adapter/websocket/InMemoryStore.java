package org.parley.adapter.websocket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Small thread-safe in-memory users, threads and messages for the websocket tests. */
final class InMemoryStore implements UserAccounts, ThreadRepository, MessageRepository {

    private final Map<UserId, Account> accounts = new ConcurrentHashMap<>();
    private final Map<Participants, ChatThread> threadsByPair = new HashMap<>();
    private final Map<MessageId, Message> messages = new ConcurrentHashMap<>();
    private final AtomicLong threadIds = new AtomicLong();
    private final AtomicLong messageIds = new AtomicLong();

    // UserAccounts

    @Override
    public Optional<User> findById(UserId id) {
        return Optional.ofNullable(accounts.get(id)).map(Account::user);
    }

    @Override
    public Map<UserId, User> findAllById(Collection<UserId> ids) {
        Map<UserId, User> found = new HashMap<>();
        ids.forEach(id -> findById(id).ifPresent(user -> found.put(id, user)));
        return found;
    }

    @Override
    public Optional<Account> findByEmail(EmailAddress email) {
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
        Account old = accounts.get(user.id());
        if (old == null) {
            throw new IllegalStateException("No such user");
        }
        accounts.put(user.id(), new Account(user, old.password()));
    }

    @Override
    public void recordLogin(UserId id, Instant at) {
        findById(id).ifPresent(user -> update(user.loggedInAt(at)));
    }

    // ThreadRepository

    @Override
    public synchronized ChatThread getOrCreate(Participants participants, Instant now) {
        return threadsByPair.computeIfAbsent(participants,
                pair -> new ChatThread(new ThreadId(threadIds.incrementAndGet()), pair, now));
    }

    @Override
    public synchronized Optional<ChatThread> findByParticipants(Participants participants) {
        return Optional.ofNullable(threadsByPair.get(participants));
    }

    @Override
    public synchronized Optional<ChatThread> findById(ThreadId id) {
        return threadsByPair.values().stream().filter(thread -> thread.id().equals(id)).findFirst();
    }

    @Override
    public List<ThreadActivity> findActivityOf(UserId user) {
        throw new UnsupportedOperationException("not needed by the websocket tests");
    }

    // MessageRepository

    @Override
    public Message append(MessageDraft draft) {
        Message stored = draft.storedAs(new MessageId(messageIds.incrementAndGet()));
        messages.put(stored.id(), stored);
        return stored;
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        return Optional.ofNullable(messages.get(id));
    }

    @Override
    public List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        List<Message> found = new ArrayList<>(messages.values().stream()
                .filter(message -> message.threadId().equals(thread))
                .sorted(Comparator.comparing(Message::id))
                .toList());
        return found.subList(0, Math.min(limit, found.size()));
    }

    @Override
    public List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return findInThread(thread, range, Integer.MAX_VALUE).stream()
                .filter(message -> message.type() == org.parley.domain.chat.MessageType.FILE)
                .limit(limit)
                .toList();
    }

    int storedMessageCount() {
        return messages.size();
    }
}
