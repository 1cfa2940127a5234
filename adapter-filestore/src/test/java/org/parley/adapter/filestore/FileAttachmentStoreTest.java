package org.parley.adapter.filestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.StoredFile;
import org.parley.application.testing.AttachmentStoreContract;

class FileAttachmentStoreTest extends AttachmentStoreContract {

    @TempDir
    Path root;

    @Override
    protected AttachmentStore newStore() {
        return new FileAttachmentStore(root.resolve("media"));
    }

    @Override
    protected long storedFileCount() {
        try (Stream<Path> files = Files.list(root.resolve("media"))) {
            return files.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stored_files_are_the_key_named_files_of_the_directory_with_their_modification_time() throws IOException {
        StoredAttachment old = store.store(new ByteArrayInputStream(new byte[12]), 100);
        StoredAttachment fresh = store.store(new ByteArrayInputStream(new byte[3]), 100);
        Path media = root.resolve("media");
        Instant twoHoursAgo = Instant.parse("2026-01-02T03:04:05Z");
        Files.setLastModifiedTime(media.resolve(old.storageKey()), FileTime.from(twoHoursAgo));
        Files.write(media.resolve(".incoming-0123456789abcdef0123456789abcdef"), new byte[7]);
        Files.write(media.resolve("notes.txt"), new byte[7]);
        Files.createDirectory(media.resolve("fedcba9876543210fedcba9876543210"));

        try (Stream<StoredFile> files = store.storedFiles()) {
            assertThat(files).containsExactlyInAnyOrder(
                    new StoredFile(old.storageKey(), 12, twoHoursAgo),
                    new StoredFile(fresh.storageKey(), 3,
                            Files.getLastModifiedTime(media.resolve(fresh.storageKey())).toInstant()));
        }
        store.delete(old.storageKey());
        try (Stream<StoredFile> files = store.storedFiles()) {
            assertThat(files.map(StoredFile::storageKey)).containsExactly(fresh.storageKey());
        }
    }

    @Test
    void files_live_in_the_directory_under_their_key_only() {
        StoredAttachment stored = store.store(new ByteArrayInputStream(new byte[] {1}), 10);

        assertThat(stored.storageKey()).matches("[0-9a-f]{32}");
        assertThat(root.resolve("media").resolve(stored.storageKey())).isRegularFile();
    }

    @Test
    void a_stream_that_fails_midway_leaves_no_partial_file() {
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ > 100) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };

        assertThatThrownBy(() -> store.store(failing, 1000)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[11]), 10)).isInstanceOf(TooLarge.class);
        assertThat(storedFileCount()).isZero();
    }

    @Test
    void unfinished_uploads_are_removed_by_age_and_never_at_start_up() throws IOException {
        Path media = root.resolve("media");
        Instant now = Instant.parse("2026-05-06T07:08:09Z");
        Path old = media.resolve(FileAttachmentStore.INCOMING_PREFIX + "0123456789abcdef0123456789abcdef");
        Path inProgress = media.resolve(FileAttachmentStore.INCOMING_PREFIX + "fedcba9876543210fedcba9876543210");
        Files.write(old, new byte[300]);
        Files.write(inProgress, new byte[20]);
        Files.setLastModifiedTime(old, FileTime.from(now.minusSeconds(3_601)));
        Files.setLastModifiedTime(inProgress, FileTime.from(now.minusSeconds(3_599)));
        StoredAttachment kept = store.store(new ByteArrayInputStream(new byte[] {1}), 10);
        Files.setLastModifiedTime(media.resolve(kept.storageKey()), FileTime.from(now.minusSeconds(86_400)));

        new FileAttachmentStore(media);
        assertThat(old).as("another node's upload may be in progress: nothing is removed at start-up").exists();

        assertThat(store.removeUnfinishedUploads(now.minusSeconds(3_600)))
                .isEqualTo(new AttachmentStore.RemovedFiles(1, 300));
        assertThat(old).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(media.resolve(kept.storageKey())).as("completed files are not unfinished uploads").exists();
        assertThat(store.removeUnfinishedUploads(now.minusSeconds(3_600))).isEqualTo(AttachmentStore.RemovedFiles.NONE);
    }
}
