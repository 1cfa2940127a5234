package org.parley.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an embedded H2 database file back to its newest committed state after the process that wrote it was killed,
 * before H2 opens it, so that every commit that returned (every {@code conf_message} sent) is there again.
 *
 * <p><b>Why.</b> H2 2.5.252 with {@code WRITE_DELAY=0} writes each commit as a chunk before the commit returns, and
 * a killed process leaves them all in the file. But when H2 opens a file that was not closed cleanly, its quick
 * recovery starts at the chunk its store header names and follows each chunk's predicted next position. The header is
 * rewritten when a prediction fails, yet names the chunk before the one being written (the one whose prediction just
 * failed), and once the space of old chunks is reused (after {@code RETENTION_TIME}, 45 s by default) predictions
 * fail often. So H2 settles on an older chunk, and the commits after it (up to about 20: all of a short burst after a
 * pause) are gone, their ids handed out again. A review reproduced it with the packaged server (160 of 160 confirmed
 * messages lost after {@code kill -9}); {@code H2CrashRecoveryTest} reproduces it with plain H2 in a second. H2's
 * recovery mode ({@link MVStore.Builder#recoveryMode()}, what H2's own repair tool uses) instead scans the whole file
 * for chunks and takes the newest complete set; closing the store then writes a clean header that names it.
 *
 * <p>Runs only when the file exists, is not open (H2's file lock is free: in one process several Parley modules may
 * share an open database), and its store header lacks H2's clean-shutdown mark ({@code clean:1}), i.e. after a crash;
 * the scan reads the whole file (about 3 ms per MB). Only for an unencrypted {@code jdbc:h2:file:}
 * database (the embedded default); other H2 URLs are left to H2.
 */
final class H2CrashRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(H2CrashRecovery.class);
    /** H2's {@code FileStore.BLOCK_SIZE}: the store header is the file's first block (and a copy in the second). */
    private static final int HEADER_BYTES = 4096;
    private static final String FILE_URL = "jdbc:h2:file:";
    private static final String FILE_SUFFIX = ".mv.db";

    private H2CrashRecovery() {
    }

    /**
     * The {@code .mv.db} file of {@code jdbcUrl}, for an unencrypted {@code jdbc:h2:file:} URL with an explicit path.
     */
    static Optional<Path> fileOf(String jdbcUrl) {
        if (!jdbcUrl.regionMatches(true, 0, FILE_URL, 0, FILE_URL.length())
                || jdbcUrl.toUpperCase(Locale.ROOT).contains(";CIPHER=")) {
            return Optional.empty();
        }
        String path = jdbcUrl.substring(FILE_URL.length());
        int settings = path.indexOf(';');
        path = settings >= 0 ? path.substring(0, settings) : path;
        if (path.isEmpty() || path.startsWith("~")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(path + FILE_SUFFIX));
    }

    /**
     * Recovers {@code file} when it was not closed cleanly.
     *
     * @return whether it was recovered (false: missing, closed cleanly, or open right now)
     * @throws UncheckedIOException when the file cannot be read
     * @throws org.h2.mvstore.MVStoreException when H2 finds no complete set of chunks in it
     */
    static boolean recoverIfNotClosedCleanly(Path file) {
        if (!Files.isRegularFile(file) || closedCleanly(file)) {
            return false;
        }
        long started = System.nanoTime();
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).recoveryMode().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                // Open right now (by this process, which may share it, or by another one that H2 will then refuse):
                // a database in use was not left by a crash.
                return false;
            }
            throw e;
        }
        LOG.warn("The H2 database {} was not closed cleanly: scanned it for its newest committed state ({} MB)",
                file, size(file) / (1024 * 1024));
        store.close();
        LOG.info("Recovered {} in {} ms", file, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** Whether the first store header of {@code file} carries H2's clean-shutdown mark. */
    static boolean closedCleanly(Path file) {
        byte[] header = new byte[HEADER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(header, 0, HEADER_BYTES) < HEADER_BYTES) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        // The header is one line of comma-separated key:value fields (H2's DataUtils.appendMap), written whole at a
        // clean close with "clean:1". Anything else (a torn or unreadable header included) counts as not clean: the
        // recovery then costs a scan, never a commit.
        String text = new String(header, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        if (end < 0) {
            return false;
        }
        return Arrays.asList(text.substring(0, end).split(",")).contains("clean:1");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
