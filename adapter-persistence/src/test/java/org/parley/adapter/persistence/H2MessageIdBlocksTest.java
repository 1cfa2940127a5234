package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/**
 * {@link H2MessageIdBlocks}: on H2, {@code messages_id_seq} hands out blocks of 1,024 ids, so a batch of 32 messages
 * is one chunk written instead of two (counted with the store's version, which every chunk written moves on by one),
 * and an image of the file taken while the database is open (what {@code kill -9} leaves) still never hands an id out
 * twice; on PostgreSQL, where a sequence's cache is per session, the sequence keeps one id per call.
 */
class H2MessageIdBlocksTest {

    @TempDir
    Path dir;

    @Test
    void onH2MessageIdsComeInBlocksOf1024AndABatchOf32IsOneChunkWrite() throws Exception {
        assumeFalse(PostgresForTests.selected(), "H2 only");
        try (TestDatabase database = TestDatabase.fresh(dir.resolve("db"));
             Connection connection = database.connect()) {
            assertThat(H2MessageIdBlocks.blockOf(connection)).isEqualTo(OptionalLong.of(H2MessageIdBlocks.BLOCK));
            MVStore store = H2CommitCost.storeOf(connection);
            ChatThread thread = thread(database);
            store(database, thread, 32);   // the sequence's first block, and whatever a first batch writes once

            assertThat(chunksWrittenFor(database, store, thread, 20, 32)).as("chunks for 20 batches of 32")
                    .isBetween(20L, 32L);   // one per batch, one per 1,024 ids, and the housekeeping's if it ran (500 ms)

            try (Statement alter = connection.createStatement()) {
                alter.execute("ALTER SEQUENCE messages_id_seq CACHE 32");   // H2's default, as before
            }
            assertThat(chunksWrittenFor(database, store, thread, 20, 32)).as("with H2's blocks of 32")
                    .isGreaterThanOrEqualTo(40L);
        }
    }

    @Test
    void aStartPutsBackTheBlockSizeAnOperatorChanged() throws Exception {
        assumeFalse(PostgresForTests.selected(), "H2 only");
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir.resolve("db"));
        PersistenceModule.start(settings).close();
        try (Connection connection = java.sql.DriverManager.getConnection(settings.jdbcUrl(), "sa", "");
             Statement alter = connection.createStatement()) {
            alter.execute("ALTER SEQUENCE messages_id_seq CACHE 32");
            PersistenceModule.start(settings).close();
            assertThat(H2MessageIdBlocks.blockOf(connection)).isEqualTo(OptionalLong.of(H2MessageIdBlocks.BLOCK));
        }
    }

    /**
     * Batches stored, then a copy of the open file taken (the image {@code kill -9} leaves, see H2CrashRecoveryTest),
     * then a server started on the copy (which recovers it first) stores more: every message that returned is there,
     * and every new id is above every id handed out before the crash, so none is handed out twice.
     */
    @Test
    void afterAKillNoIdIsHandedOutTwice() throws Exception {
        assumeFalse(PostgresForTests.selected(), "H2 only");
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(crashed);
        List<Long> before = new ArrayList<>();
        ChatThread thread;
        try (TestDatabase database = TestDatabase.fresh(dir.resolve("db"))) {
            thread = thread(database);
            for (int batch = 0; batch < 5; batch++) {
                before.addAll(store(database, thread, 7));
            }
            Files.copy(dir.resolve("db").resolve("parley.mv.db"), crashed.resolve("parley.mv.db"));
        }
        PersistenceModule restarted = PersistenceModule.start(DatabaseSettings.embeddedH2(crashed));
        try {
            List<Long> after = ids(restarted.messages().appendNew(drafts(thread, 3)));
            long highestBefore = before.stream().mapToLong(Long::longValue).max().orElseThrow();

            assertThat(after).allSatisfy(id -> assertThat(id).isGreaterThan(highestBefore));
            try (Connection connection = java.sql.DriverManager.getConnection(
                    DatabaseSettings.embeddedH2(crashed).jdbcUrl(), "sa", "");
                 ResultSet count = connection.createStatement().executeQuery("SELECT count(*) FROM messages")) {
                count.next();
                assertThat(count.getLong(1)).isEqualTo(before.size() + after.size());
            }
        } finally {
            restarted.close();
        }
    }

    /**
     * The upgrade path: a database the previous build used (H2's blocks of 32, killed in the middle of a block, as an
     * image of the open file) is started by this build, which sets blocks of 1,024 on it: every new id is above every
     * id handed out before the kill, and nothing stored is lost. Then this build is killed in the middle of its first
     * block of 1,024, just past the block's start (one id into it) and started again: the same holds each time.
     */
    @Test
    void killedOnBlocksOf32ThenStartedWithBlocksOf1024NoIdGoesBack() throws Exception {
        assumeFalse(PostgresForTests.selected(), "H2 only");
        List<Long> stored = new ArrayList<>();
        ChatThread thread;
        Path previous = dir.resolve("previous");
        try (TestDatabase database = TestDatabase.fresh(previous);
             Connection connection = database.connect();
             Statement alter = connection.createStatement()) {
            alter.execute("ALTER SEQUENCE messages_id_seq CACHE 32");   // as the previous build left it
            thread = thread(database);
            for (int batch = 0; batch < 7; batch++) {
                stored.addAll(store(database, thread, 13));   // 91 ids: two blocks of 32 crossed, the third begun
            }
            killImage(previous, dir.resolve("upgraded"));
        }
        Path current = dir.resolve("upgraded");
        for (int restart = 0; restart < 3; restart++) {
            try (PersistenceModule module = PersistenceModule.start(DatabaseSettings.embeddedH2(current));
                 Connection connection = DriverManager.getConnection(
                         DatabaseSettings.embeddedH2(current).jdbcUrl(), "sa", "")) {
                assertThat(H2MessageIdBlocks.blockOf(connection)).isEqualTo(OptionalLong.of(H2MessageIdBlocks.BLOCK));
                long highest = stored.stream().mapToLong(Long::longValue).max().orElseThrow();
                List<Long> fresh = ids(module.messages().appendNew(drafts(thread, 1)));
                assertThat(fresh).as("after restart %d", restart).allSatisfy(id -> assertThat(id).isGreaterThan(highest));
                stored.addAll(fresh);
                // To just past the end of this block of 1,024 (one id into the next), then killed.
                long nextBlockStart = fresh.get(0) + H2MessageIdBlocks.BLOCK;
                while (stored.get(stored.size() - 1) < nextBlockStart) {
                    int size = (int) Math.min(500, nextBlockStart - stored.get(stored.size() - 1));
                    stored.addAll(ids(module.messages().appendNew(drafts(thread, size))));
                }
                assertThat(count(connection)).isEqualTo(stored.size());
                assertThat(stored).doesNotHaveDuplicates().isSorted();
                Path image = dir.resolve("image-" + restart);
                killImage(current, image);
                current = image;
            }
        }
    }

    /** A copy of the open database file, what {@code kill -9} leaves (see H2CrashRecoveryTest). */
    private static void killImage(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        Files.copy(from.resolve("parley.mv.db"), to.resolve("parley.mv.db"));
    }

    private static long count(Connection connection) throws Exception {
        try (ResultSet count = connection.createStatement().executeQuery("SELECT count(*) FROM messages")) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void onPostgresTheSequenceKeepsOneIdPerCall() throws Exception {
        assumeTrue(PostgresForTests.selected(), "PostgreSQL only");
        try (TestDatabase database = TestDatabase.fresh(dir);
             Connection connection = database.connect();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT cache_size FROM pg_sequences WHERE sequencename = 'messages_id_seq'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getLong(1)).isEqualTo(1);
        }
    }

    /** The chunks the store wrote while {@code batches} batches of {@code size} messages were stored. */
    private static long chunksWrittenFor(TestDatabase database, MVStore store, ChatThread thread, int batches,
                                         int size) {
        long version = store.getCurrentVersion();
        for (int batch = 0; batch < batches; batch++) {
            store(database, thread, size);
        }
        return store.getCurrentVersion() - version;
    }

    private static List<Long> store(TestDatabase database, ChatThread thread, int size) {
        return ids(database.module().messages().appendNew(drafts(thread, size)));
    }

    private static List<DraftToStore> drafts(ChatThread thread, int size) {
        List<DraftToStore> drafts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            drafts.add(new DraftToStore(thread.compose(thread.participants().first(),
                    Fixtures.text("message " + i), Fixtures.at(i)), Optional.empty()));
        }
        return drafts;
    }

    private static List<Long> ids(List<AppendedMessage> appended) {
        return appended.stream().map(answer -> answer.message().id().value()).toList();
    }

    private static ChatThread thread(TestDatabase database) {
        UserId a = database.newUser();
        UserId b = database.newUser();
        return database.module().threads().getOrCreate(Participants.of(a, b), Fixtures.T0);
    }
}
