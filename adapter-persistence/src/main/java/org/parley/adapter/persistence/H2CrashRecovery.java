package org.parley.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.h2.engine.ConnectionInfo;
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
 * the scan reads the whole file (about 3 ms per MB), and a check before it reads it once more, sequentially (about a
 * third of that). Recovery never settles on an older state than the file shows was committed: a damaged file is
 * refused and left as it is ({@link #recoverIfNotClosedCleanly}). Only for an unencrypted embedded database on the
 * local disk ({@link #fileOf}: {@code jdbc:h2:file:} or {@code jdbc:h2:} with a path, the default); other H2 URLs are
 * left to H2.
 */
final class H2CrashRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(H2CrashRecovery.class);
    /** H2's {@code FileStore.BLOCK_SIZE}: the store header is the file's first block (and a copy in the second). */
    private static final int HEADER_BYTES = 4096;
    /** H2's {@code FileStore.BLOCK_SIZE}: chunks start at block boundaries. */
    private static final int BLOCK_BYTES = 4096;
    /** H2's {@code Chunk.MAX_HEADER_LENGTH}: a chunk header is one line within the first bytes of its first block. */
    private static final int CHUNK_HEADER_BYTES = 1024;
    /** H2's {@code Chunk.FOOTER_LENGTH}: the footer is the last bytes of a chunk's last block. */
    private static final int CHUNK_FOOTER_BYTES = 128;
    private static final String CHUNK_PREFIX = "chunk:";
    /** Blocks read at once by the scan (1 MiB). */
    private static final int READ_BLOCKS = 256;
    private static final String H2_URL = "jdbc:h2:";
    private static final String FILE_PREFIX = "file:";
    /** A name such as {@code nio:/data/parley}: another of H2's file systems (a Windows drive letter is one letter). */
    private static final Pattern FILE_SYSTEM_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9]+:");
    private static final String FILE_SUFFIX = ".mv.db";

    private H2CrashRecovery() {
    }

    /**
     * The {@code .mv.db} file of {@code jdbcUrl} when it names an unencrypted embedded H2 database on the local disk,
     * as H2 itself reads the URL ({@link ConnectionInfo}): {@code jdbc:h2:file:<path>} or {@code jdbc:h2:<path>}, the
     * path absolute, {@code ./}-relative (to the working directory) or under {@code ~/} (the user's home). Empty for
     * other URLs ({@code mem:}, {@code tcp:}, {@code ssl:}, a file system prefix such as {@code nio:}, {@code CIPHER=})
     * and for URLs H2 would refuse anyway.
     */
    static Optional<Path> fileOf(String jdbcUrl) {
        if (!jdbcUrl.startsWith(H2_URL)
                || jdbcUrl.toUpperCase(Locale.ROOT).contains(";CIPHER=")) {
            return Optional.empty();
        }
        try {
            ConnectionInfo info = new ConnectionInfo(jdbcUrl, new Properties(), "", null);
            if (!info.isPersistent() || info.isRemote()) {
                return Optional.empty();
            }
            String written = jdbcUrl.substring(H2_URL.length());
            written = written.startsWith(FILE_PREFIX) ? written.substring(FILE_PREFIX.length()) : written;
            if (FILE_SYSTEM_PREFIX.matcher(written).lookingAt()) {
                return Optional.empty();
            }
            return Optional.of(Path.of(info.getName() + FILE_SUFFIX));
        } catch (RuntimeException e) {
            // H2 refuses the URL too (say, a path implicitly relative to the working directory), with its own message.
            return Optional.empty();
        }
    }

    /**
     * Recovers {@code file} when it was not closed cleanly.
     *
     * <p>It refuses, leaving the file as it is, when the newest complete state H2 can rebuild is older than a chunk
     * that is complete in the file: a chunk that newer state needs is damaged or missing (the file was truncated,
     * overwritten in part, or lost writes to a power failure), and going on would drop those commits for good (closing
     * the store shrinks the file) and hand their ids out again. A {@code kill -9} never leaves a file so: it loses no
     * write that returned.
     *
     * @return whether it was recovered (false: missing, closed cleanly, or open right now)
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalStateException when the file cannot be recovered without losing commits, cannot be written, or is
     *                               not an H2 database H2 can open; the message is one line that names the file
     */
    static boolean recoverIfNotClosedCleanly(Path file) {
        if (!Files.isRegularFile(file) || closedCleanly(file)) {
            return false;
        }
        if (!Files.isWritable(file)) {
            throw new IllegalStateException("The H2 database " + file + " was not closed cleanly and cannot be "
                    + "written: Parley cannot bring it back to its newest committed state (make it writable)");
        }
        long started = System.nanoTime();
        long newestChunk = newestCompleteChunkVersion(file);
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).recoveryMode().autoCommitDisabled().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                // Open right now (by this process, which may share it, or by another one that H2 will then refuse):
                // a database in use was not left by a crash.
                return false;
            }
            throw new IllegalStateException("The H2 database " + file + " was not closed cleanly and H2 cannot open "
                    + "it (not an H2 database, or damaged; left as it is): " + e.getMessage(), e);
        }
        long recovered = store.getCurrentVersion();
        if (recovered < newestChunk) {
            store.closeImmediately();
            throw new IllegalStateException("The H2 database " + file + " is damaged: it holds committed version "
                    + newestChunk + ", but the newest state H2 can rebuild from it is version " + recovered
                    + " (a part of the file that newer versions need is missing or overwritten); Parley left the file"
                    + " as it is. Restore it from a backup, or accept the loss: java -cp parley.jar "
                    + "org.h2.mvstore.MVStoreTool -rollback " + file + " " + recovered + " writes " + file
                    + ".temp, to be moved in its place (keep the damaged file)");
        }
        LOG.warn("The H2 database {} was not closed cleanly: scanned it for its newest committed state ({} MB)",
                file, size(file) / (1024 * 1024));
        store.close();
        LOG.info("Recovered {} in {} ms", file, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /**
     * The version of the newest chunk that is complete in {@code file}: a chunk header at the start of a block whose
     * footer, {@code len} blocks on, carries a valid checksum and the same chunk id, length and version (H2's own test
     * of a chunk, {@code FileStore.readChunkHeaderAndFooter}); -1 when there is none.
     */
    static long newestCompleteChunkVersion(Path file) {
        long newest = -1;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long blocks = channel.size() / BLOCK_BYTES;
            ByteBuffer buffer = ByteBuffer.allocate(READ_BLOCKS * BLOCK_BYTES);
            byte[] header = new byte[CHUNK_HEADER_BYTES];
            // The first two blocks are the store header.
            for (long first = 2; first < blocks; first += READ_BLOCKS) {
                buffer.clear();
                readFully(channel, buffer, first * BLOCK_BYTES);
                for (int i = 0; i < buffer.limit() / BLOCK_BYTES; i++) {
                    buffer.get(i * BLOCK_BYTES, header);
                    Map<String, String> chunk = chunkHeader(header);
                    if (chunk == null) {
                        continue;
                    }
                    long block = first + i;
                    long length = DataUtils.readHexLong(chunk, "len", 0);
                    long version = DataUtils.readHexLong(chunk, "version", -1);
                    if (length > 0 && block + length <= blocks && version > newest
                            && chunk.equals(chunkFooter(channel, block + length))) {
                        newest = version;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return newest;
    }

    /** The id, length and version of the chunk whose header starts {@code block}, or null when it starts none. */
    private static Map<String, String> chunkHeader(byte[] block) {
        if (!new String(block, 0, CHUNK_PREFIX.length(), StandardCharsets.ISO_8859_1).equals(CHUNK_PREFIX)) {
            return null;
        }
        String text = new String(block, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        if (end < 0) {
            return null;
        }
        try {
            return idLengthVersion(DataUtils.parseMap(text.substring(0, end).trim()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The id, length and version in the chunk footer that ends just before {@code endBlock}, or null. */
    private static Map<String, String> chunkFooter(FileChannel channel, long endBlock) throws IOException {
        ByteBuffer footer = ByteBuffer.allocate(CHUNK_FOOTER_BYTES);
        readFully(channel, footer, endBlock * BLOCK_BYTES - CHUNK_FOOTER_BYTES);
        if (footer.remaining() < CHUNK_FOOTER_BYTES) {
            return null;
        }
        Map<String, String> fields = checksummedFields(footer.array());
        return fields == null ? null : idLengthVersion(fields);
    }

    /**
     * The fields of a checksummed line (a chunk footer), or null when its checksum does not
     * match: H2's {@code DataUtils.parseChecksummedMap}, which is not public (Fletcher-32 of the text before
     * {@code ,fletcher:}, the text trimmed of bytes up to a space).
     */
    private static Map<String, String> checksummedFields(byte[] bytes) {
        int start = 0;
        int end = bytes.length;
        while (start < end && bytes[start] <= ' ') {
            start++;
        }
        while (start < end && bytes[end - 1] <= ' ') {
            end--;
        }
        String text = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        int checksumAt = text.indexOf(",fletcher:");
        if (checksumAt < 0) {
            return null;
        }
        try {
            int checksum = (int) Long.parseLong(text.substring(checksumAt + ",fletcher:".length()), 16);
            if (checksum != DataUtils.getFletcher32(bytes, start, checksumAt)) {
                return null;
            }
            return DataUtils.parseMap(text.substring(0, checksumAt));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, String> idLengthVersion(Map<String, String> fields) {
        return Map.of("chunk", fields.getOrDefault("chunk", ""), "len", fields.getOrDefault("len", ""),
                "version", fields.getOrDefault("version", ""));
    }

    /** Reads into {@code buffer} from {@code position} until it is full or the file ends; flips it. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                break;
            }
        }
        buffer.flip();
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
