package org.parley.application.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.parley.application.port.in.SweepOrphanedAttachments;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.StoredFile;
import org.parley.application.port.out.TimeSource;

/**
 * Lists the store's files ({@link AttachmentStore#storedFiles()}, lazily), keeps those last written more than
 * {@code minimumAge} before {@link TimeSource#now()}, and asks the messages which of them are named
 * ({@link MessageRepository#referencedStorageKeys}) in batches of up to {@link MessageRepository#MAX_KEYS_PER_QUERY}
 * keys, one query per batch; the files no message names are deleted. Younger files are never looked up, so a sweep
 * of a store where nothing is old asks the database nothing. What uploads left unfinished (their process died while
 * writing) goes by the same age ({@link AttachmentStore#removeUnfinishedUploads}).
 *
 * <p>Why an upload in progress is safe: an upload writes its file first and commits its message right after
 * (seconds at most; a commit that cannot be made fails the upload, which deletes its file). Its file's last write is
 * therefore never more than those seconds older than its message, and {@code minimumAge} (at least
 * {@link #SHORTEST_AGE}, an hour by default) is far longer. Files are never modified after they are stored.
 */
public final class SweepOrphanedAttachmentsService implements SweepOrphanedAttachments {

    /**
     * The shortest age allowed: longer than an upload's commit can take after its last byte (two database waits,
     * each bounded by the pool's connection timeout, at most 10 minutes in Parley's configuration, plus group commit).
     */
    public static final Duration SHORTEST_AGE = Duration.ofMinutes(10);

    private final AttachmentStore store;
    private final MessageRepository messages;
    private final TimeSource time;
    private final Duration minimumAge;

    /**
     * @param minimumAge how long after its last write an unreferenced file is an orphan; at least {@link #SHORTEST_AGE}
     */
    public SweepOrphanedAttachmentsService(AttachmentStore store, MessageRepository messages, TimeSource time,
                                           Duration minimumAge) {
        this.store = Objects.requireNonNull(store, "store");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.time = Objects.requireNonNull(time, "time");
        this.minimumAge = Objects.requireNonNull(minimumAge, "minimumAge");
        if (minimumAge.compareTo(SHORTEST_AGE) < 0) {
            throw new IllegalArgumentException("minimumAge must be at least " + SHORTEST_AGE + ", got " + minimumAge);
        }
    }

    @Override
    public Swept sweep() {
        Instant writtenBefore = time.now().minus(minimumAge);
        AttachmentStore.RemovedFiles unfinished = store.removeUnfinishedUploads(writtenBefore);
        long files = unfinished.files();
        long bytes = unfinished.bytes();
        List<StoredFile> batch = new ArrayList<>();
        try (Stream<StoredFile> stored = store.storedFiles()) {
            Iterator<StoredFile> old = stored.filter(file -> file.lastModified().isBefore(writtenBefore)).iterator();
            while (old.hasNext()) {
                batch.add(old.next());
                if (batch.size() == MessageRepository.MAX_KEYS_PER_QUERY || !old.hasNext()) {
                    for (StoredFile orphan : unreferenced(batch)) {
                        store.delete(orphan.storageKey());
                        files++;
                        bytes += orphan.sizeBytes();
                    }
                    batch.clear();
                }
            }
        }
        return new Swept(files, bytes);
    }

    private List<StoredFile> unreferenced(List<StoredFile> batch) {
        Set<String> referenced = messages.referencedStorageKeys(batch.stream().map(StoredFile::storageKey).toList());
        return batch.stream().filter(file -> !referenced.contains(file.storageKey())).toList();
    }
}
