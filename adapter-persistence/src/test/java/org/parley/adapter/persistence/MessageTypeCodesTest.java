package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.MessageRange;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.MessageType;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;

/**
 * The {@code message_type} codes are storage's own and never change: rows written by any earlier version (here with
 * plain SQL, as Parley wrote them when the codes were the seed API's names) are read back as their type, and new rows
 * are written with the same codes, so no data migration is needed.
 */
class MessageTypeCodesTest {

    /** Without caches, so that each read reaches the rows. */
    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none());

    private static final OffsetDateTime WRITTEN_AT = OffsetDateTime.of(2025, 3, 14, 10, 36, 22, 680_911_000, ZoneOffset.UTC);
    private static final long TEXT_ID = 900_000_001L;
    private static final long FILE_ID = 900_000_002L;
    private static final long PROFILE_ID = 900_000_003L;

    private static User ada;
    private static User bob;
    private static ChatThread thread;

    @BeforeAll
    static void rowsWrittenWithPlainSql() throws SQLException {
        ada = Fixtures.minimalUser();
        bob = Fixtures.minimalUser();
        DATABASE.get().module().userAccounts().add(Fixtures.backendManaged(ada));
        DATABASE.get().module().userAccounts().add(Fixtures.backendManaged(bob));
        thread = DATABASE.get().module().threads().getOrCreate(Participants.of(ada.id(), bob.id()), Fixtures.T0);
        sql("INSERT INTO messages (id, thread_id, sender_id, receiver_id, message_type, body, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, 'text', 'hello', ?, ?)", TEXT_ID, thread.id().value(), ada.id().value(),
                bob.id().value(), WRITTEN_AT, WRITTEN_AT);
        sql("INSERT INTO messages (id, thread_id, sender_id, receiver_id, message_type, body, storage_key, file_name, "
                + "size_bytes, content_type, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, 'file', 'the notes', '2025/03/key', 'notes.pdf', 199424, 'application/pdf', ?, ?)",
                FILE_ID, thread.id().value(), bob.id().value(), ada.id().value(), WRITTEN_AT, WRITTEN_AT);
        sql("INSERT INTO messages (id, thread_id, sender_id, receiver_id, message_type, attached_profile_id, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, 'user_profile', ?, ?, ?)",
                PROFILE_ID, thread.id().value(), ada.id().value(), bob.id().value(), ada.id().value(), WRITTEN_AT,
                WRITTEN_AT);
        // Rows written around the sequence need it moved past them, or new messages of the thread are refused.
        moveTheSequencePast(PROFILE_ID);
    }

    @Test
    void theCodesAreTheOnesExistingRowsHold() {
        assertThat(Map.of(
                MessageType.TEXT, MessageTypeCodes.codeOf(MessageType.TEXT),
                MessageType.FILE, MessageTypeCodes.codeOf(MessageType.FILE),
                MessageType.USER_PROFILE, MessageTypeCodes.codeOf(MessageType.USER_PROFILE)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        MessageType.TEXT, "text", MessageType.FILE, "file", MessageType.USER_PROFILE, "user_profile"));
        for (MessageType type : MessageType.values()) {
            assertThat(MessageTypeCodes.typeOf(MessageTypeCodes.codeOf(type))).contains(type);
        }
        assertThat(MessageTypeCodes.typeOf("TEXT")).isEmpty();
        assertThat(MessageTypeCodes.typeOf("sticker")).isEmpty();
        assertThat(MessageTypeCodes.typeOf(null)).isEmpty();
    }

    @Test
    void rowsWrittenBeforeAreReadAsTheirType() {
        Message text = DATABASE.get().module().messages().findById(new MessageId(TEXT_ID)).orElseThrow();
        Message file = DATABASE.get().module().messages().findById(new MessageId(FILE_ID)).orElseThrow();
        Message profile = DATABASE.get().module().messages().findById(new MessageId(PROFILE_ID)).orElseThrow();

        assertThat(text.content()).isEqualTo(new MessageContent.Text("hello"));
        assertThat(file.content()).isEqualTo(new MessageContent.File("the notes",
                new Attachment("2025/03/key", "notes.pdf", 199_424L, "application/pdf")));
        assertThat(profile.content()).isEqualTo(new MessageContent.ProfileShare(ada.id()));
        assertThat(DATABASE.get().module().messages().findFilesInThread(thread.id(), MessageRange.newest(), 10))
                .as("the file filter queries by the code").contains(file).doesNotContain(text, profile)
                .allSatisfy(message -> assertThat(message.type()).isEqualTo(MessageType.FILE));
    }

    @Test
    void newRowsAreWrittenWithTheSameCodes() throws SQLException {
        List<Message> stored = List.of(
                DATABASE.get().module().messages().append(thread.compose(ada.id(), Fixtures.text("new"), Fixtures.T0)),
                DATABASE.get().module().messages().append(thread.compose(bob.id(), Fixtures.file("new"), Fixtures.T0)),
                DATABASE.get().module().messages().append(thread.compose(ada.id(),
                        new MessageContent.ProfileShare(bob.id()), Fixtures.T0)));

        assertThat(stored).extracting(message -> codeInRow(message.id()))
                .containsExactly("text", "file", "user_profile");
    }

    private static String codeInRow(MessageId id) {
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement select = connection.prepareStatement("SELECT message_type FROM messages WHERE id = ?")) {
            select.setLong(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String statement, Object... parameters) throws SQLException {
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement insert = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                insert.setObject(i + 1, parameters[i]);
            }
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static void moveTheSequencePast(long id) throws SQLException {
        try (Connection connection = DATABASE.get().connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SEQUENCE messages_id_seq RESTART WITH " + (id + 1));
        }
    }
}
