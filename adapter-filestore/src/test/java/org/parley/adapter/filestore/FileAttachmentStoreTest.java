package org.parley.adapter.filestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.testing.AttachmentStoreContract;

class FileAttachmentStoreTest extends AttachmentStoreContract {

    private static final byte[] PNG_HEADER = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
            'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};

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
    void the_content_type_comes_from_the_bytes() {
        assertThat(store.store(new ByteArrayInputStream(PNG_HEADER), 1000).contentType()).isEqualTo("image/png");
        assertThat(store.store(new ByteArrayInputStream("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII)), 1000)
                .contentType()).isEqualTo("application/pdf");
        assertThat(store.store(new ByteArrayInputStream(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}), 1000)
                .contentType()).isEqualTo("application/octet-stream");
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
    void leftovers_of_a_crash_are_removed_at_start_up() throws IOException {
        Path media = root.resolve("media");
        Files.write(media.resolve(FileAttachmentStore.INCOMING_PREFIX + "0123"), new byte[] {1});
        StoredAttachment kept = store.store(new ByteArrayInputStream(new byte[] {1}), 10);

        new FileAttachmentStore(media);

        assertThat(storedFileCount()).isEqualTo(1);
        assertThat(media.resolve(kept.storageKey())).exists();
    }
}
