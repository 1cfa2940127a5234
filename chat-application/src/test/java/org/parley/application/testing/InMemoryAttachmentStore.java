package org.parley.application.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;

/** {@link AttachmentStore} in memory, for tests. */
public final class InMemoryAttachmentStore implements AttachmentStore {

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

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
    }

    /** The keys currently stored. */
    public Set<String> keys() {
        return Set.copyOf(files.keySet());
    }
}
