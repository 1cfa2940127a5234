package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On H2, lets {@code messages_id_seq} hand out its values from blocks of {@value #BLOCK} instead of H2's default 32
 * ({@code ALTER SEQUENCE messages_id_seq CACHE 1024}, at every start, when the sequence says otherwise).
 *
 * <p><b>Why.</b> When an H2 sequence starts a new block, it writes the block's upper end into the database's metadata and
 * commits that through H2's system session before it returns the value ({@code Sequence.getNext} → {@code flush}). With
 * {@code WRITE_DELAY=0} every commit is a chunk written to the file, so with blocks of 32 group commit wrote one more
 * chunk per 32 messages, on its writer thread, inside the batch: a batch of 32 messages cost two chunk writes, one of
 * 128 five (issue 16, docs/PERFORMANCE.md "Fifth step"). With blocks of {@value #BLOCK} that is one more chunk per
 * {@value #BLOCK} messages.
 *
 * <p><b>What stays.</b> The block's upper end is still in the file before any id of the block is used, so after a
 * {@code kill -9} the sequence resumes above every id it handed out: no id is ever handed out twice
 * (H2MessageIdBlocksTest). A crash skips at most {@value #BLOCK} − 1 ids instead of 31; ids only promise to grow with
 * time, not to be dense. The block lives in the database, not in a connection: every session, and every server of an
 * H2 server ({@code jdbc:h2:tcp:}), draws from the same block in the same order, so ids still follow the order
 * batches draw them in (docs/storage.md, "Message ids").
 *
 * <p><b>Never on PostgreSQL</b>, where a sequence's {@code CACHE} is kept per session: each connection would hand out
 * its own block, and ids would no longer grow with the time messages are stored. Nothing is done there.
 */
final class H2MessageIdBlocks {

    private static final Logger LOG = LoggerFactory.getLogger(H2MessageIdBlocks.class);

    /** Values of {@code messages_id_seq} per block on H2. */
    static final int BLOCK = 1024;

    private H2MessageIdBlocks() {
    }

    /**
     * Sets the block size of {@code messages_id_seq} to {@value #BLOCK} on an H2 database ({@code jdbc:h2:} URL) whose
     * sequence has another; nothing on any other database. A database that refuses the change (a user without the
     * right to alter the schema) keeps its blocks, with one warning: it costs chunk writes, not correctness.
     */
    static void apply(DataSource pool, DatabaseSettings settings) {
        if (!settings.jdbcUrl().startsWith("jdbc:h2:")) {
            return;
        }
        try (Connection connection = pool.getConnection()) {
            OptionalLong current = blockOf(connection);
            if (current.isPresent() && current.getAsLong() != BLOCK) {
                try (Statement alter = connection.createStatement()) {
                    alter.execute("ALTER SEQUENCE " + SequenceIds.MESSAGES + " CACHE " + BLOCK);
                }
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
            }
        } catch (SQLException failure) {
            LOG.warn("Could not set {} to hand out ids in blocks of {} ({}); it keeps its block size, and each new "
                    + "block costs one more chunk write", SequenceIds.MESSAGES, BLOCK, failure.getMessage());
        }
    }

    /** The block size of {@code messages_id_seq} as H2 reports it; empty when there is no such sequence. */
    static OptionalLong blockOf(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT CACHE FROM INFORMATION_SCHEMA.SEQUENCES "
                + "WHERE SEQUENCE_SCHEMA = CURRENT_SCHEMA AND LOWER(SEQUENCE_NAME) = ?")) {
            select.setString(1, SequenceIds.MESSAGES);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
