package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Edges of the plain-JDBC reads that rows written by Parley's own mapping never reach: rows written with SQL of
 * their own (dates of birth and instants far from today, at any offset, read in any JVM time zone), thousands of ids
 * in one {@code = any(?)}, and pages at their limits. Each user read with plain JDBC equals Hibernate's mapping of the
 * same row (log-in's {@code findByEmail}).
 */
class JdbcReadEdgesTest {

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
    }

    @Test
    void rowsWrittenWithSqlOfTheirOwnAreReadAsHibernateReadsThem() throws SQLException {
        List<String> dates = List.of("0001-01-01", "1000-02-28", "1582-10-04", "1582-10-10", "1582-10-15",
                "1899-12-31", "1900-01-01", "1920-01-01", "1969-12-31", "1970-01-01", "1986-01-01", "2000-02-29",
                "9999-12-31");
        // Instants from 1583 only: Hibernate reads earlier ones on PostgreSQL through java.sql.Timestamp's Julian
        // calendar (0001-01-01 as 0000-12-30), plain JDBC as stored; Parley writes none so early.
        List<String> instants = List.of("1583-01-01 00:00:00.000001+00", "1600-02-29 12:00:00.5+00",
                "1900-01-01 00:00:00.000001+05:41:16", "1935-03-30 23:59:59.999999-03:30",
                "1969-12-31 23:59:59.999999+00", "2026-11-01 02:30:00.000001-03:30", "9999-12-31 23:59:59.999999+00");
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement insert = connection.prepareStatement("insert into users (id, email, email_normalized,"
                     + " fullname, date_of_birth, account_type, is_active, is_email_verified, is_phone_verified,"
                     + " is_profile_complete, is_staff, is_admin, is_superuser, last_login, created_at, updated_at)"
                     + " values (?, ?, ?, ?, cast(? as date), 'user', true, false, true, false, true, false, true,"
                     + " cast(? as timestamp(6) with time zone), cast(? as timestamp(6) with time zone),"
                     + " cast(? as timestamp(6) with time zone))")) {
            for (int i = 0; i < dates.size(); i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                String email = "edge" + i + "." + id + "@example.org";
                insert.setObject(1, id);
                insert.setString(2, email);
                insert.setString(3, email);
                insert.setString(4, "Edge " + i);
                insert.setString(5, dates.get(i));
                insert.setString(6, instants.get(i % instants.size()));
                insert.setString(7, instants.get((i + 1) % instants.size()));
                insert.setString(8, instants.get((i + 1) % instants.size()));
                insert.executeUpdate();
            }
        }
        Map<UserId, User> all = users.findAllById(ids.stream().map(UserId::new).toList());
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            UserId id = new UserId(ids.get(i));
            User byJdbc = users.findById(id).orElseThrow();
            User byHibernate = users.findByEmail(new EmailAddress("edge" + i + "." + ids.get(i) + "@example.org"))
                    .orElseThrow().user();
            if (!byJdbc.equals(byHibernate) || !byJdbc.equals(all.get(id))) {
                differences.add("stored " + dates.get(i) + " / " + instants.get(i % instants.size()) + ": JDBC "
                        + byJdbc.profile().dateOfBirth() + " " + byJdbc.lastLogin() + ", Hibernate "
                        + byHibernate.profile().dateOfBirth() + " " + byHibernate.lastLogin());
            }
        }
        assertThat(differences).as("zone %s", java.util.TimeZone.getDefault().getID()).isEmpty();
    }

    /**
     * Dates of birth before the Gregorian calendar began (1582-10-15), which the REST API accepts (years 0001 to 9999),
     * are stored and read back as given, by plain JDBC and by Hibernate's mapping alike.
     */
    @Test
    void earlyDatesOfBirthWrittenByParleyAreReadAsWritten() {
        List<String> differences = new ArrayList<>();
        for (java.time.LocalDate date : List.of(java.time.LocalDate.of(1, 1, 1), java.time.LocalDate.of(1000, 2, 28),
                java.time.LocalDate.of(1582, 10, 4), java.time.LocalDate.of(1582, 10, 10),
                java.time.LocalDate.of(1582, 10, 15), java.time.LocalDate.of(1900, 1, 1))) {
            User user = Fixtures.fullUser();
            User stored = new User(user.id(), user.email(), new org.parley.domain.user.UserProfile(
                    user.profile().fullname(), null, null, null, date, null), user.status(), user.lastLogin(),
                    user.createdAt(), user.updatedAt());
            users.add(Fixtures.backendManaged(stored));
            User byJdbc = users.findById(stored.id()).orElseThrow();
            User byHibernate = users.findByEmail(stored.email()).orElseThrow().user();
            if (!byJdbc.equals(stored) || !byHibernate.equals(stored)) {
                differences.add("written " + date + ": JDBC " + byJdbc.profile().dateOfBirth() + ", Hibernate "
                        + byHibernate.profile().dateOfBirth());
            }
        }
        assertThat(differences).as("zone %s", java.util.TimeZone.getDefault().getID()).isEmpty();
    }

    @Test
    void thousandsOfIdsAreLookedUpInOneStatement() {
        List<UserId> stored = List.of(DATABASE.newUser(), DATABASE.newUser(), DATABASE.newUser());
        List<UserId> asked = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            asked.add(UserId.random());
            if (i % 20_000 == 0) {
                asked.add(stored.get(i / 20_000));
            }
        }
        asked.add(stored.get(0));
        assertThat(users.findAllById(asked)).containsOnlyKeys(stored);
    }

    @Test
    void pagesAtTheirLimits() {
        ChatThread thread = threads.getOrCreate(Participants.of(DATABASE.newUser(), DATABASE.newUser()),
                Fixtures.at(0));
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), Integer.MAX_VALUE)).isEmpty();
        assertThat(messages.findFilesInThread(thread.id(), MessageRange.newest(), 1)).isEmpty();
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(messages.append(thread.compose(thread.participants().first(), Fixtures.text("m" + i),
                    Fixtures.at(i + 1))).id());
        }
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), Integer.MAX_VALUE)
                .stream().map(Message::id).toList()).containsExactlyElementsOf(reversed(ids));
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 1).stream().map(Message::id).toList())
                .containsExactly(ids.get(4));
        MessageRange none = new MessageRange(java.util.Optional.of(ids.get(3)), java.util.Optional.of(ids.get(3)),
                MessageRange.Direction.OLDEST_FIRST);
        assertThat(messages.findInThread(thread.id(), none, 10)).isEmpty();
    }

    private static List<MessageId> reversed(List<MessageId> ids) {
        List<MessageId> copy = new ArrayList<>(ids);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
