package org.parley.application.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.StoredFile;
import org.parley.application.port.out.TimeSource;

/**
 * {@link AttachmentStore} in memory, for tests. Each file's {@code lastModified} is the time of its {@code store}
 * call by the given time source (the wall clock by default).
 */
public final class InMemoryAttachmentStore implements AttachmentStore {

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Instant> written = new ConcurrentHashMap<>();
    private final Map<String, StoredFile> unfinished = new ConcurrentHashMap<>();
    private final TimeSource time;

    public InMemoryAttachmentStore() {
        this(Instant::now);
    }

    public InMemoryAttachmentStore(TimeSource time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public StoredAttachment store(InputStream content, long maxBytes) {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = content.read(buffer)) >= 0; ) {
                copy.write(buffer, 0, n);
                if (copy.size() > maxBytes) {
                    throw new TooLarge(maxBytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String key = UUID.randomUUID().toString().replace("-", "");
        written.put(key, time.now());
        files.put(key, copy.toByteArray());
        return new StoredAttachment(key, copy.size());
    }

    @Override
    public Optional<InputStream> open(String storageKey, long offset) {
        byte[] bytes = files.get(storageKey);
        if (bytes == null) {
            return Optional.empty();
        }
        int from = (int) Math.min(Math.max(0, offset), bytes.length);
        return Optional.of(new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, bytes.length)));
    }

    @Override
    public void delete(String storageKey) {
        files.remove(storageKey);
        written.remove(storageKey);
    }

    @Override
    public Stream<StoredFile> storedFiles() {
        return Map.copyOf(files).entrySet().stream()
                .map(file -> new StoredFile(file.getKey(), file.getValue().length, written.get(file.getKey())));
    }

    @Override
    public RemovedFiles removeUnfinishedUploads(Instant writtenBefore) {
        long files = 0;
        long bytes = 0;
        for (StoredFile partial : Map.copyOf(unfinished).values()) {
            if (partial.lastModified().isBefore(writtenBefore) && unfinished.remove(partial.storageKey(), partial)) {
                files++;
                bytes += partial.sizeBytes();
            }
        }
        return new RemovedFiles(files, bytes);
    }

    /** Leaves {@code size} bytes of an upload that never finished (a process that died while writing), written now. */
    public void leaveUnfinishedUpload(String name, long size) {
        unfinished.put(name, new StoredFile(name, size, time.now()));
    }

    /** The unfinished uploads left. */
    public Set<String> unfinishedUploads() {
        return Set.copyOf(unfinished.keySet());
    }

    /** The keys currently stored. */
    public Set<String> keys() {
        return Set.copyOf(files.keySet());
    }
}
