package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ReadState;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * The reads done with plain JDBC ({@link UserRows}, {@link ThreadRows}, {@link MessageRows#page}, the read markers)
 * return exactly what Hibernate's mapping of the same rows returns (log-in's {@code findByEmail}, the thread list's
 * {@code findActivityOf}, a message's {@code findById}) and what was stored: every column, NULL and empty optional
 * ones, every flag, non-ASCII text, instants with microseconds. On H2, and on PostgreSQL in that run; without caches,
 * so every read reaches the database.
 */
class RowsReadWithJdbcTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none());
    private static UserAccounts users;
    private static ThreadRepository threads;
    private static MessageRepository messages;

    @BeforeAll
    static void start() {
        users = DATABASE.get().module().userAccounts();
        threads = DATABASE.get().module().threads();
        messages = DATABASE.get().module().messages();
        assertThat(users).as("no cache in front").isInstanceOf(HibernateUserAccounts.class);
        assertThat(threads).isInstanceOf(HibernateThreadRepository.class);
    }

    @Test
    void everyFieldOfAUserIsReadAsHibernateReadsItAndAsItWasStored() {
        List<User> stored = List.of(
                Fixtures.fullUser(),
                Fixtures.minimalUser(),
                user("empty.optionals", new UserProfile("Empty Optionals", "", "", "", null, ""),
                        new AccountStatus("user", true, false, false, false, false, false, false), null),
                user("deactivated", UserProfile.named("Gone Away"),
                        new AccountStatus("staff", false, true, true, true, true, true, true),
                        Instant.parse("2026-11-30T00:00:00.000001Z")),
                user("Jürgen.Größe", new UserProfile("Jürgen Größe 王小明 🙂", "+49 (0) 30 / 12", "DÉ", "männlich",
                                LocalDate.of(1969, 12, 31), "https://cdn.example.org/ü/照片.jpg"),
                        new AccountStatus("Ünternehmer", true, true, false, true, false, true, false),
                        Instant.parse("2026-11-30T23:59:59.999999Z")));
        stored.forEach(user -> users.add(Fixtures.backendManaged(user)));

        for (User user : stored) {
            assertThat(users.findById(user.id())).as("by id, JDBC").contains(user);
            assertThat(users.findByEmail(user.email())).as("by e-mail, Hibernate's mapping")
                    .hasValueSatisfying(account -> assertThat(account.user()).isEqualTo(user));
        }
        Map<UserId, User> all = users.findAllById(stored.stream().map(User::id).toList());
        assertThat(all).hasSize(stored.size());
        stored.forEach(user -> assertThat(all).containsEntry(user.id(), user));
        assertThat(users.findById(UserId.random())).isEmpty();
        assertThat(users.findAllById(List.of(UserId.random(), UserId.random()))).isEmpty();
    }

    @Test
    void aThreadIsReadAsHibernateReadsItWithItsMicroseconds() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        Instant created = Instant.parse("2026-11-30T12:34:56.000007Z");
        ChatThread thread = threads.getOrCreate(Participants.of(a, b), created);

        assertThat(thread.createdAt()).isEqualTo(created);
        assertThat(threads.findById(thread.id())).contains(thread);
        assertThat(threads.findByParticipants(Participants.of(b, a))).contains(thread);
        assertThat(threads.findActivityOf(a)).extracting(ThreadActivity::thread).containsExactly(thread);
        assertThat(threads.findById(new ThreadId(thread.id().value() + 1_000_000))).isEmpty();
        assertThat(threads.findByParticipants(Participants.of(a, DATABASE.newUser()))).isEmpty();
    }

    /**
     * Each kind of message, edited and deleted ones included, read in a page equals the message Hibernate reads by id;
     * and every shape of page (all messages or files only, with or without each bound, either direction, a limit
     * below and above the number of messages) returns what filtering every message in memory returns.
     */
    @Test
    void everyShapeOfPageReturnsTheMessagesHibernateReadsById() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = threads.getOrCreate(Participants.of(a, b), Fixtures.at(0));
        List<MessageId> ids = new ArrayList<>();
        List<MessageContent> contents = List.of(
                Fixtures.text("plain"),
                Fixtures.text("Größe 王小明 🙂 \u00e9\u0301"),
                Fixtures.file("a caption ü"),
                Fixtures.file(null),
                Fixtures.file(""),
                new MessageContent.ProfileShare(DATABASE.newUser()),
                Fixtures.text("to be edited"),
                Fixtures.text("to be deleted"),
                Fixtures.file("a file to be deleted"));
        for (int i = 0; i < contents.size(); i++) {
            Instant at = Fixtures.at(i + 1).plusNanos(1_000L * (i + 1));
            ids.add(messages.append(thread.compose(i % 2 == 0 ? a : b, contents.get(i), at)).id());
        }
        assertThat(messages.saveEdit(ids.get(6), Fixtures.text("edited: ü 🙂"), Fixtures.at(20).plusNanos(5_000)))
                .isTrue();
        assertThat(messages.saveDeletion(ids.get(7), Fixtures.at(21))).isTrue();
        assertThat(messages.saveDeletion(ids.get(8), Fixtures.at(22).plusNanos(999_000))).isTrue();
        List<Message> byId = ids.stream().map(id -> messages.findById(id).orElseThrow()).toList();
        assertThat(byId.get(6).edited()).isTrue();
        assertThat(byId.get(7).content()).isInstanceOf(MessageContent.Deleted.class);

        List<Message> newestFirst = new ArrayList<>(byId);
        Collections.reverse(newestFirst);
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 100))
                .containsExactlyElementsOf(newestFirst);
        List<Optional<MessageId>> bounds = List.of(Optional.empty(), Optional.of(ids.get(1)), Optional.of(ids.get(7)));
        for (boolean filesOnly : List.of(false, true)) {
            for (Optional<MessageId> after : bounds) {
                for (Optional<MessageId> before : bounds) {
                    for (MessageRange.Direction direction : MessageRange.Direction.values()) {
                        for (int limit : List.of(1, 3, 100)) {
                            MessageRange range = new MessageRange(after, before, direction);
                            List<Message> page = filesOnly
                                    ? messages.findFilesInThread(thread.id(), range, limit)
                                    : messages.findInThread(thread.id(), range, limit);
                            assertThat(page).as("files only %s, %s, limit %d", filesOnly, range, limit)
                                    .containsExactlyElementsOf(expected(byId, filesOnly, range, limit));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aThreadsReadMarkersAreReadPerReader() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = threads.getOrCreate(Participants.of(a, b), Fixtures.at(0));
        assertThat(DATABASE.get().module().readMarkers().findIn(thread.id())).isEqualTo(new ReadState(Map.of()));
        MessageId first = messages.append(thread.compose(a, Fixtures.text("one"), Fixtures.at(1))).id();
        MessageId second = messages.append(thread.compose(b, Fixtures.text("two"), Fixtures.at(2))).id();
        DATABASE.get().module().readMarkers().advance(thread.id(), b, first, Fixtures.at(3));
        assertThat(DATABASE.get().module().readMarkers().findIn(thread.id()))
                .isEqualTo(new ReadState(Map.of(b, first)));
        DATABASE.get().module().readMarkers().advance(thread.id(), a, second, Fixtures.at(4));

        assertThat(DATABASE.get().module().readMarkers().findIn(thread.id()))
                .isEqualTo(new ReadState(Map.of(a, second, b, first)));
    }

    private static List<Message> expected(List<Message> all, boolean filesOnly, MessageRange range, int limit) {
        Comparator<Message> order = Comparator.comparing(Message::id);
        return all.stream()
                .filter(message -> !filesOnly || message.content() instanceof MessageContent.File)
                .filter(message -> range.after().map(after -> message.id().compareTo(after) > 0).orElse(true))
                .filter(message -> range.before().map(before -> message.id().compareTo(before) < 0).orElse(true))
                .sorted(range.direction() == MessageRange.Direction.NEWEST_FIRST ? order.reversed() : order)
                .limit(limit)
                .toList();
    }

    private static User user(String name, UserProfile profile, AccountStatus status, Instant lastLogin) {
        Instant created = Instant.parse("2026-01-02T03:04:05.000001Z");
        return new User(UserId.random(), new EmailAddress(name + "." + UserId.random() + "@Example.org"), profile,
                status, lastLogin, created, created.plusNanos(998_000));
    }
}
