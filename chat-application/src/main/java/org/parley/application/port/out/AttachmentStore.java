package org.parley.application.port.out;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.parley.application.error.TooLarge;

/**
 * Keeps the bytes of attached files under keys it chooses itself, and nothing else: what kind of file they are is
 * {@link ContentTypes}'s question. A filesystem today; an object store later needs only another implementation.
 * Failures of the medium surface as {@link java.io.UncheckedIOException}.
 */
public interface AttachmentStore {

    /**
     * Copies {@code content} (read to its end, never held whole in memory) under a new key. Returns only once the
     * bytes are as durable as the medium can make them (at least: they survive this process being killed), because
     * the message that names them is committed, and acknowledged, right after.
     *
     * @throws TooLarge when the content has more than {@code maxBytes}; nothing is kept then
     */
    StoredAttachment store(InputStream content, long maxBytes);

    /**
     * The stored bytes from {@code offset} on (0 for the whole file), or empty when the key is unknown. The caller
     * closes the stream.
     */
    Optional<InputStream> open(String storageKey, long offset);

    /** Forgets the bytes of this key; nothing happens when it is unknown. */
    void delete(String storageKey);

    /**
     * Every completed file the store holds, in no particular order, read lazily (a store may hold more files than fit
     * in memory); the caller closes the stream. Uploads still being written are not listed: a file appears only once
     * {@link #store} has made it whole, and its {@link StoredFile#lastModified()} is then when its last byte was
     * written. A file deleted while the stream is read may or may not appear.
     */
    Stream<StoredFile> storedFiles();

    /**
     * Removes what uploads left unfinished (their process died while {@link #store} was writing) and was last written
     * before {@code writtenBefore}, and says how much that was. An upload still being written is written to all the
     * time, so it is never older than moments; a store that keeps no partial files removes nothing.
     */
    RemovedFiles removeUnfinishedUploads(Instant writtenBefore);

    /**
     * What a removal took away.
     *
     * @param files how many files
     * @param bytes their size together
     */
    record RemovedFiles(long files, long bytes) {

        public static final RemovedFiles NONE = new RemovedFiles(0, 0);

        public RemovedFiles {
            if (files < 0 || bytes < 0) {
                throw new IllegalArgumentException("files and bytes must not be negative");
            }
        }
    }
}
