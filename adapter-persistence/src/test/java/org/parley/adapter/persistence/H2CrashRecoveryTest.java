package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code kill -9} leaves of an embedded H2 database is its file as the operating system holds it: a copy of the
 * file taken while the database is open is that image. H2 2.5.252, opening such an image, can settle on an older state
 * and lose the last commits once the space of old chunks is reused ({@code RETENTION_TIME=0} here makes that happen at
 * once, as 45 s of running does by default): this test shows the loss with a plain open, and that
 * {@link H2CrashRecovery} brings back every commit that returned.
 */
class H2CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void everyCommitThatReturnedIsThereAfterACrashOnceRecovered() throws Exception {
        long committed = writeThenCrash(dir.resolve("db"), ";RETENTION_TIME=0", dir.resolve("plain.mv.db"),
                dir.resolve("recovered.mv.db"));

        assertThat(H2CrashRecovery.closedCleanly(dir.resolve("recovered.mv.db"))).isFalse();
        assertThat(H2CrashRecovery.recoverIfNotClosedCleanly(dir.resolve("recovered.mv.db"))).isTrue();
        assertThat(rows(dir.resolve("recovered"))).as("rows after recovery").isEqualTo(committed);
        assertThat(rows(dir.resolve("plain"))).as("H2's own open of the same image loses the last commits")
                .isLessThan(committed);
    }

    @Test
    void aCleanlyClosedFileIsLeftAlone() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("clean") + ";WRITE_DELAY=0";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create table m(id bigint primary key)");
            statement.execute("insert into m values (1)");
        }
        Path file = dir.resolve("clean.mv.db");
        long modified = Files.getLastModifiedTime(file).toMillis();

        assertThat(H2CrashRecovery.closedCleanly(file)).isTrue();
        assertThat(H2CrashRecovery.recoverIfNotClosedCleanly(file)).isFalse();
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
        assertThat(H2CrashRecovery.recoverIfNotClosedCleanly(dir.resolve("missing.mv.db"))).isFalse();
    }

    @Test
    void aDatabaseOpenRightNowIsLeftAlone() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("open") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create table m(id bigint primary key)");
            statement.execute("insert into m values (1)");
            Path file = dir.resolve("open.mv.db");

            assertThat(H2CrashRecovery.closedCleanly(file)).isFalse();
            assertThat(H2CrashRecovery.recoverIfNotClosedCleanly(file)).as("open, so not left by a crash").isFalse();
            statement.execute("insert into m values (2)");
        }
    }

    /**
     * A file damaged where a committed version needs it (here a live chunk overwritten, as a torn copy or a bad disk
     * would leave it): H2's recovery would settle on an older version and, closing, shrink the file over the newer
     * chunks. Parley refuses instead, naming the file and the versions, and leaves every byte as it was.
     */
    @Test
    void aDamagedFileIsRefusedAndLeftAsItIs() throws Exception {
        Path image = dir.resolve("damaged.mv.db");
        writeThenCrash(dir.resolve("db"), "", image);
        long newest = H2CrashRecovery.newestCompleteChunkVersion(image);
        long[] live = newestLiveChunkBefore(image, newest);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4096), live[0] * 4096);
        }
        byte[] before = Files.readAllBytes(image);

        assertThatThrownBy(() -> H2CrashRecovery.recoverIfNotClosedCleanly(image))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(image.toString())
                .hasMessageContaining("is damaged: it holds committed version " + newest)
                .hasMessageContaining("left the file as it is");
        assertThat(Files.readAllBytes(image)).as("the file after the refusal").isEqualTo(before);
    }

    @Test
    void aFileThatIsNotAnH2DatabaseIsRefusedAndLeftAsItIs() throws Exception {
        Path text = dir.resolve("text.mv.db");
        Files.writeString(text, "not a database\n".repeat(2_000));
        Path cut = dir.resolve("cut.mv.db");
        writeThenCrash(dir.resolve("db"), "", cut);
        try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            channel.truncate(2_000);
        }

        for (Path file : new Path[] {text, cut}) {
            byte[] before = Files.readAllBytes(file);
            assertThatThrownBy(() -> H2CrashRecovery.recoverIfNotClosedCleanly(file))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("The H2 database " + file + " was not closed cleanly and H2 cannot open it");
            assertThat(Files.readAllBytes(file)).as("%s after the refusal", file).isEqualTo(before);
        }
    }

    @Test
    void onlyAnUnencryptedFileUrlNamesAFile() {
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:file:/data/parley;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"))
                .contains(Path.of("/data/parley.mv.db"));
        assertThat(H2CrashRecovery.fileOf("JDBC:H2:FILE:/data/parley")).as("H2's driver takes jdbc:h2: only").isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:file:/data/parley;CIPHER=AES")).isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:mem:test")).isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:tcp://localhost/parley")).isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:/data/parley;WRITE_DELAY=0")).as("file: is optional in H2")
                .contains(Path.of("/data/parley.mv.db"));
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:file:~/parley"))
                .contains(Path.of(System.getProperty("user.home"), "parley.mv.db"));
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:./parley"))
                .contains(Path.of("parley.mv.db").toAbsolutePath());
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:nio:/data/parley")).as("another H2 file system").isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:ssl://localhost/parley")).isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:h2:file:parley")).as("H2 refuses implicitly relative paths").isEmpty();
        assertThat(H2CrashRecovery.fileOf("jdbc:postgresql://localhost/parley")).isEmpty();
    }

    /**
     * Two rounds of 200 one-row commits with a pause after each, then three more commits, then copies of the file
     * while the database is still open. Returns the number of commits that returned.
     */
    private static long writeThenCrash(Path database, String settings, Path... images) throws Exception {
        String url = "jdbc:h2:file:" + database + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" + settings;
        long id = 0;
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            connection.createStatement().execute("create table m(id bigint primary key, body varchar(200))");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("insert into m values (?, ?)")) {
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < 200; i++) {
                        id = insertAndCommit(connection, insert, id + 1);
                    }
                    Thread.sleep(50);
                }
                for (int i = 0; i < 3; i++) {
                    id = insertAndCommit(connection, insert, id + 1);
                }
            }
            for (Path image : images) {
                Files.copy(Path.of(database + ".mv.db"), image);
            }
        }
        return id;
    }

    /**
     * The first block and the version of the newest chunk before {@code newest} that still holds live pages (so every
     * later version needs it), read from the layout map of a read-only copy of {@code image}.
     */
    private long[] newestLiveChunkBefore(Path image, long newest) throws Exception {
        Path copy = dir.resolve("layout.mv.db");
        Files.copy(image, copy);
        long[] found = {-1, -1};
        MVStore store = new MVStore.Builder().fileName(copy.toString()).readOnly().recoveryMode().open();
        try {
            store.getLayoutMap().forEach((key, value) -> {
                if (key.startsWith("chunk.")) {
                    Map<String, String> chunk = DataUtils.parseMap(value);
                    long version = DataUtils.readHexLong(chunk, "version", -1);
                    boolean live = !"0".equals(chunk.get("livePages"));
                    if (live && version < newest && version > found[1]) {
                        found[0] = DataUtils.readHexLong(chunk, "block", -1);
                        found[1] = version;
                    }
                }
            });
        } finally {
            store.closeImmediately();
        }
        assertThat(found[1]).as("a live chunk before the newest").isPositive();
        return found;
    }

    private static long insertAndCommit(Connection connection, PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        insert.setString(2, "message " + id + " ".repeat(50));
        insert.executeUpdate();
        connection.commit();
        return id;
    }

    private static long rows(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + database, "sa", "");
             ResultSet count = connection.createStatement().executeQuery("select count(*) from m")) {
            count.next();
            return count.getLong(1);
        }
    }
}
