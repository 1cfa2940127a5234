package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.StoredFile;

/** What every {@link AttachmentStore} must do. Extend it and implement {@link #newStore()}. */
public abstract class AttachmentStoreContract {

    protected AttachmentStore store;

    protected abstract AttachmentStore newStore();

    /** How many files the store holds now (to prove that refused uploads leave nothing behind). */
    protected abstract long storedFileCount();

    @BeforeEach
    public void setUpStore() {
        store = newStore();
    }

    @Test
    public void stored_bytes_read_back_equal_from_any_offset() throws IOException {
        byte[] bytes = randomBytes(100_000);
        StoredAttachment stored = store.store(new ByteArrayInputStream(bytes), bytes.length);

        assertThat(stored.sizeBytes()).isEqualTo(bytes.length);
        assertThat(stored.storageKey()).matches("[A-Za-z0-9_-]+");
        try (InputStream whole = store.open(stored.storageKey(), 0).orElseThrow()) {
            assertThat(whole.readAllBytes()).isEqualTo(bytes);
        }
        try (InputStream tail = store.open(stored.storageKey(), 99_990).orElseThrow()) {
            assertThat(tail.readAllBytes()).hasSize(10).containsExactly(java.util.Arrays.copyOfRange(bytes, 99_990, 100_000));
        }
    }

    @Test
    public void every_file_gets_its_own_key() {
        StoredAttachment a = store.store(new ByteArrayInputStream(new byte[] {1}), 10);
        StoredAttachment b = store.store(new ByteArrayInputStream(new byte[] {1}), 10);

        assertThat(a.storageKey()).isNotEqualTo(b.storageKey());
    }

    @Test
    public void exactly_the_maximum_is_accepted_and_one_byte_more_refused_leaving_nothing() {
        long before = storedFileCount();
        StoredAttachment atLimit = store.store(new ByteArrayInputStream(new byte[1000]), 1000);
        assertThat(atLimit.sizeBytes()).isEqualTo(1000);

        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[1001]), 1000))
                .isInstanceOf(TooLarge.class);
        assertThat(storedFileCount()).isEqualTo(before + 1);
    }

    @Test
    public void an_empty_file_is_a_file() throws IOException {
        StoredAttachment stored = store.store(new ByteArrayInputStream(new byte[0]), 10);

        assertThat(stored.sizeBytes()).isZero();
        try (InputStream in = store.open(stored.storageKey(), 0).orElseThrow()) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    public void deleted_and_unknown_keys_cannot_be_opened() {
        StoredAttachment stored = store.store(new ByteArrayInputStream(new byte[] {1, 2}), 10);
        store.delete(stored.storageKey());

        assertThat(store.open(stored.storageKey(), 0)).isEmpty();
        assertThat(store.open("no-such-key", 0)).isEmpty();
        store.delete("no-such-key");
    }

    @Test
    public void keys_that_look_like_paths_are_unknown() {
        assertThat(store.open("../../etc/passwd", 0)).isEmpty();
        assertThat(store.open("", 0)).isEmpty();
    }

    @Test
    public void stored_files_lists_each_kept_file_with_its_size_and_no_deleted_one() {
        StoredAttachment kept = store.store(new ByteArrayInputStream(new byte[321]), 1000);
        StoredAttachment deleted = store.store(new ByteArrayInputStream(new byte[5]), 1000);
        store.delete(deleted.storageKey());

        try (Stream<StoredFile> files = store.storedFiles()) {
            assertThat(files.collect(Collectors.toMap(StoredFile::storageKey, StoredFile::sizeBytes)))
                    .containsEntry(kept.storageKey(), 321L)
                    .doesNotContainKey(deleted.storageKey());
        }
    }

    @Test
    public void an_upload_being_written_is_not_listed() {
        long listedBefore;
        try (Stream<StoredFile> files = store.storedFiles()) {
            listedBefore = files.count();
        }
        long[] listedMidway = {-1};
        InputStream slow = new InputStream() {
            private int served;

            @Override
            public int read() {
                if (served == 70_000) {
                    try (Stream<StoredFile> files = store.storedFiles()) {
                        listedMidway[0] = files.count();
                    }
                }
                return served++ < 100_000 ? 1 : -1;
            }
        };

        store.store(slow, 200_000);

        assertThat(listedMidway[0]).isEqualTo(listedBefore);
    }

    @Test
    public void removing_unfinished_uploads_never_touches_a_stored_file() throws IOException {
        StoredAttachment stored = store.store(new ByteArrayInputStream(new byte[] {4, 2}), 10);

        assertThat(store.removeUnfinishedUploads(java.time.Instant.parse("9999-12-31T00:00:00Z")))
                .isEqualTo(AttachmentStore.RemovedFiles.NONE);
        try (InputStream in = store.open(stored.storageKey(), 0).orElseThrow()) {
            assertThat(in.readAllBytes()).containsExactly(4, 2);
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
