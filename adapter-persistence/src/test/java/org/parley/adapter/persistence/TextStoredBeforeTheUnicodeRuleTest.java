package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.ThreadActivity;
import org.parley.domain.WellFormedText;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Rows written before Parley refused unpaired UTF-16 surrogates (written here with plain SQL, as an old version or a
 * hand-made import could have) are read with each unpaired surrogate replaced by U+FFFD: every read path gives valid
 * domain values, which any adapter can render. H2 keeps the surrogate in the row; PostgreSQL's driver already replaced
 * it while writing, so there the row and what is read agree.
 */
class TextStoredBeforeTheUnicodeRuleTest {

    private static final String BROKEN_NAME = "Ada \ud83d Lovelace";
    private static final String BROKEN_BODY = "hello \ude00 there \ud83d";
    private static final String BROKEN_CAPTION = "\ud83dcaption";
    private static final String BROKEN_FILE_NAME = "photo\ud83d.png";

    /** Without the user cache, so that each read reaches the row. */
    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none());

    private static UserId ada;
    private static UserId bob;
    private static ChatThread thread;
    private static Message text;
    private static Message file;

    @BeforeAll
    static void rowsHoldingUnpairedSurrogates() throws SQLException {
        ada = insertUser(BROKEN_NAME, "+1 \ud83d", "ada\ud83d@example.org");
        bob = insertUser("Bob", null, "bob@example.org");
        thread = DATABASE.get().module().threads().getOrCreate(Participants.of(ada, bob), Fixtures.T0);
        text = DATABASE.get().module().messages().append(thread.compose(ada, Fixtures.text("placeholder"), Fixtures.T0));
        file = DATABASE.get().module().messages().append(thread.compose(bob, Fixtures.file("placeholder"), Fixtures.at(1)));
        sql("UPDATE messages SET body = ? WHERE id = ?", BROKEN_BODY, text.id().value());
        sql("UPDATE messages SET body = ?, file_name = ? WHERE id = ?", BROKEN_CAPTION, BROKEN_FILE_NAME,
                file.id().value());
    }

    @Test
    void theRowsReallyHoldWhatWasWritten() throws SQLException {
        String storedName = column("SELECT fullname FROM users WHERE id = ?", ada.value());
        if (PostgresForTests.selected()) {
            assertThat(WellFormedText.isWellFormed(storedName)).as("PostgreSQL stores UTF-8 only").isTrue();
        } else {
            assertThat(storedName).as("H2 stores the Java string as it is").isEqualTo(BROKEN_NAME);
        }
    }

    @Test
    void aUserIsReadWithReplacementCharacters() throws SQLException {
        User read = DATABASE.get().module().userAccounts().findById(ada).orElseThrow();

        assertThat(read.profile().fullname())
                .isEqualTo(repairedColumn("SELECT fullname FROM users WHERE id = ?", ada.value()));
        assertThat(read.profile().phoneNumber())
                .isEqualTo(repairedColumn("SELECT phone_number FROM users WHERE id = ?", ada.value()));
        assertThat(read.email().value()).isEqualTo(repairedColumn("SELECT email FROM users WHERE id = ?", ada.value()));
        assertThat(DATABASE.get().module().userAccounts().findAllById(List.of(ada)).get(ada)).isEqualTo(read);
        if (!PostgresForTests.selected()) {
            assertThat(read.profile().fullname()).isEqualTo("Ada \uFFFD Lovelace");
        }
    }

    @Test
    void messagesAreReadWithReplacementCharactersOnEveryPath() throws SQLException {
        Message readText = DATABASE.get().module().messages().findById(text.id()).orElseThrow();
        Message readFile = DATABASE.get().module().messages().findById(file.id()).orElseThrow();
        List<Message> page = DATABASE.get().module().messages().findInThread(thread.id(), MessageRange.newest(), 10);
        List<Message> files = DATABASE.get().module().messages().findFilesInThread(thread.id(), MessageRange.newest(), 10);
        List<ThreadActivity> threads = DATABASE.get().module().threads().findActivityOf(ada);

        String body = repairedColumn("SELECT body FROM messages WHERE id = ?", text.id().value());
        assertThat(((MessageContent.Text) readText.content()).body()).isEqualTo(body);
        MessageContent.File content = (MessageContent.File) readFile.content();
        assertThat(content.caption()).isEqualTo(repairedColumn("SELECT body FROM messages WHERE id = ?", file.id().value()));
        assertThat(content.attachment().fileName())
                .isEqualTo(repairedColumn("SELECT file_name FROM messages WHERE id = ?", file.id().value()));
        assertThat(page).containsExactly(readFile, readText);
        assertThat(files).containsExactly(readFile);
        assertThat(threads).singleElement().satisfies(activity -> assertThat(activity.lastMessage()).contains(readFile));
        if (!PostgresForTests.selected()) {
            assertThat(body).isEqualTo("hello \uFFFD there \uFFFD");
            assertThat(content.attachment().fileName()).isEqualTo("photo\uFFFD.png");
        }
    }

    private static UserId insertUser(String fullname, String phoneNumber, String email) throws SQLException {
        UserId id = UserId.random();
        sql("INSERT INTO users (id, email, email_normalized, password, fullname, phone_number, account_type, "
                        + "is_active, is_email_verified, is_phone_verified, is_profile_complete, is_staff, is_admin, "
                        + "is_superuser, created_at, updated_at) "
                        + "VALUES (?, ?, ?, NULL, ?, ?, 'user', TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, "
                        + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                id.value(), email, email.toLowerCase(java.util.Locale.ROOT), fullname, phoneNumber);
        return id;
    }

    private static void sql(String statement, Object... parameters) throws SQLException {
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement update = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String column(String query, Object key) throws SQLException {
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement select = connection.prepareStatement(query)) {
            select.setObject(1, key);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    /** What the column holds, with each unpaired surrogate as U+FFFD: what the adapter must read. */
    private static String repairedColumn(String query, Object key) throws SQLException {
        return WellFormedText.replaceUnpairedSurrogates(column(query, key));
    }
}
