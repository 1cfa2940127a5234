package org.parley.adapter.filestore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.parley.application.error.TooLarge;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.StoredFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps attachments as files in one directory (Parley uses {@code PARLEY_DATA_DIR/media}), each under a random
 * 32-hex-digit name chosen here: no client text ever reaches a path. An upload is first written to a hidden
 * {@code .incoming-…} file, counted as it streams, and renamed to its key only when complete and within the limit;
 * a refused or failed upload deletes its partial file, and what a crash left is removed once it is old enough
 * ({@link #removeUnfinishedUploads}, called by the orphan sweeper), never at start-up: on storage shared by several
 * nodes, another node's upload may be in progress. It keeps bytes only: what kind of file they are is the
 * {@code ContentTypes} port's question.
 *
 * <p>{@link #store} returns only after the file's bytes and then its new name have been forced to the disk
 * ({@code fsync} of the file, then of the directory): its message is committed right after, and on a database that
 * survives power loss (PostgreSQL's defaults) the file must survive it too, or the message would name lost bytes.
 */
public final class FileAttachmentStore implements AttachmentStore {

    static final String INCOMING_PREFIX = ".incoming-";
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");
    private static final Logger LOG = LoggerFactory.getLogger(FileAttachmentStore.class);

    private final Path directory;
    private final SecureRandom random = new SecureRandom();

    /** Creates the directory when needed. */
    public FileAttachmentStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the media directory " + this.directory, e);
        }
    }

    @Override
    public StoredAttachment store(InputStream content, long maxBytes) {
        String key = newKey();
        Path incoming = directory.resolve(INCOMING_PREFIX + key);
        try {
            long size;
            try (FileChannel file = FileChannel.open(incoming, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = copyAtMost(content, Channels.newOutputStream(file), maxBytes);
                file.force(true);
            }
            Path stored = directory.resolve(key);
            Files.move(incoming, stored, StandardCopyOption.ATOMIC_MOVE);
            try {
                forceDirectory();
            } catch (IOException e) {
                deleteQuietly(stored);
                throw e;
            }
            return new StoredAttachment(key, size);
        } catch (IOException e) {
            deleteQuietly(incoming);
            throw new UncheckedIOException("Storing an attachment failed", e);
        } catch (RuntimeException e) {
            deleteQuietly(incoming);
            throw e;
        }
    }

    /** Forces the directory's entries (a new name) to the disk, as {@code fsync} on the directory does on Linux. */
    private void forceDirectory() throws IOException {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ)) {
            entries.force(true);
        }
    }

    @Override
    public Optional<InputStream> open(String storageKey, long offset) {
        if (storageKey == null || !KEY.matcher(storageKey).matches()) {
            return Optional.empty();
        }
        try {
            FileChannel channel = FileChannel.open(directory.resolve(storageKey), StandardOpenOption.READ);
            channel.position(Math.max(0, offset));
            return Optional.of(Channels.newInputStream(channel));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Opening an attachment failed", e);
        }
    }

    @Override
    public void delete(String storageKey) {
        if (storageKey != null && KEY.matcher(storageKey).matches()) {
            deleteQuietly(directory.resolve(storageKey));
        }
    }

    /**
     * The directory's files named like keys, read lazily from one directory stream (closed with the returned stream):
     * partial uploads ({@code .incoming-…}) and anything else in the directory are not listed. A file's
     * {@code lastModified} is its modification time, which is when its last byte was written: the rename that
     * completes an upload keeps it. A file deleted between the listing and the reading of its attributes is left out.
     */
    @Override
    public Stream<StoredFile> storedFiles() {
        DirectoryStream<Path> entries;
        try {
            entries = Files.newDirectoryStream(directory, entry -> KEY.matcher(entry.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException("Listing the media directory failed", e);
        }
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries.iterator(), Spliterator.NONNULL), false)
                .flatMap(file -> describe(file).stream())
                .onClose(() -> {
                    try {
                        entries.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * Deletes the {@code .incoming-…} files last modified before {@code writtenBefore}. {@link #store} writes its
     * partial file from a local temporary file at the disk's pace (the REST adapter has the whole body before the use
     * case runs), so a partial file in progress is modified continually and never older than moments.
     */
    @Override
    public RemovedFiles removeUnfinishedUploads(Instant writtenBefore) {
        long files = 0;
        long bytes = 0;
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(directory, INCOMING_PREFIX + "*")) {
            for (Path partial : partials) {
                Optional<BasicFileAttributes> attributes = attributesOf(partial);
                if (attributes.isPresent() && attributes.get().isRegularFile()
                        && attributes.get().lastModifiedTime().toInstant().isBefore(writtenBefore)
                        && deleteQuietly(partial)) {
                    files++;
                    bytes += attributes.get().size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Listing the media directory failed", e);
        }
        return new RemovedFiles(files, bytes);
    }

    private static Optional<BasicFileAttributes> attributesOf(Path file) throws IOException {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<StoredFile> describe(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new StoredFile(file.getFileName().toString(), attributes.size(),
                    attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the attributes of " + file.getFileName() + " failed", e);
        }
    }

    private static long copyAtMost(InputStream in, OutputStream out, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > maxBytes) {
                throw new TooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private String newKey() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether this call deleted the file. */
    private static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete {}", file.getFileName(), e);
            return false;
        }
    }
}
