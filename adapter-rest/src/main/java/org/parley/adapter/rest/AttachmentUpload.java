package org.parley.adapter.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.TooLarge;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.UploadAttachment;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upload's multipart body into an {@link UploadAttachment} call. The file part is copied, as it arrives and
 * counted, into a file of the dedicated temporary directory (the seed's clients may send the receiver and the file's
 * name after the file), then handed to the use case; that temporary file is deleted when the request ends, whatever
 * happened. Text fields are limited to {@value #MAX_FIELD_BYTES} bytes each, and a body to {@value #MAX_PARTS} parts.
 */
final class AttachmentUpload {

    static final int MAX_FIELD_BYTES = 64 * 1024;
    static final int MAX_PARTS = 16;
    static final String FILE_FIELD = "attached_file";

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentUpload.class);

    private final UploadAttachment uploadAttachment;
    private final long maxUploadBytes;
    private final Path tempDir;

    AttachmentUpload(UploadAttachment uploadAttachment, long maxUploadBytes, Path tempDir) {
        this.uploadAttachment = Objects.requireNonNull(uploadAttachment, "uploadAttachment");
        this.maxUploadBytes = maxUploadBytes;
        this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
    }

    /** Creates the temporary directory, or empties it of whatever an earlier run left. */
    static void prepare(Path tempDir) {
        try {
            Files.createDirectories(tempDir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tempDir)) {
                for (Path leftover : leftovers) {
                    if (Files.isRegularFile(leftover)) {
                        Files.deleteIfExists(leftover);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the upload directory " + tempDir, e);
        }
    }

    UploadAttachment.Uploaded read(UserId sender, String boundary, InputStream body) throws IOException {
        Path spooled = null;
        try {
            MultipartFormReader reader = new MultipartFormReader(body, boundary);
            Map<String, String> fields = new HashMap<>();
            String partFileName = null;
            int parts = 0;
            for (Optional<MultipartFormReader.Part> next = reader.nextPart(); next.isPresent(); next = reader.nextPart()) {
                MultipartFormReader.Part part = next.get();
                if (++parts > MAX_PARTS) {
                    throw ValidationFailed.of("attached_file", "Too many form fields");
                }
                if (FILE_FIELD.equals(part.name())) {
                    if (spooled != null) {
                        throw ValidationFailed.of(FILE_FIELD, "Send one file per message");
                    }
                    spooled = Files.createTempFile(tempDir, "upload-", ".part");
                    try (OutputStream out = Files.newOutputStream(spooled)) {
                        reader.copyBody(out, maxUploadBytes, () -> new TooLarge(maxUploadBytes));
                    }
                    partFileName = part.fileName();
                } else {
                    ByteArrayOutputStream value = new ByteArrayOutputStream();
                    String name = part.name() == null ? "" : part.name();
                    reader.copyBody(value, MAX_FIELD_BYTES, () -> ValidationFailed.of(name, "This field is too long"));
                    if (part.name() != null) {
                        fields.putIfAbsent(part.name(), value.toString(StandardCharsets.UTF_8));
                    }
                }
            }
            if (spooled == null) {
                throw ValidationFailed.of(FILE_FIELD, "No file was submitted.");
            }
            UserId receiver = receiver(fields.get("receiver"));
            String fileName = Optional.ofNullable(fields.get("attached_file_name"))
                    .filter(name -> !name.isBlank()).orElse(partFileName);
            try (InputStream content = Files.newInputStream(spooled)) {
                return uploadAttachment.upload(new UploadAttachment.Command(
                        sender, receiver, fields.get("message"), fileName, content));
            }
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException e) {
                    LOG.warn("Could not delete the temporary upload {}", spooled.getFileName(), e);
                }
            }
        }
    }

    private static UserId receiver(String text) {
        if (text == null || text.isBlank()) {
            throw ValidationFailed.of("receiver", "This field is required.");
        }
        try {
            return UserId.parse(text.strip());
        } catch (DomainRuleViolation e) {
            throw ValidationFailed.of("receiver", "Must be a valid user id.");
        }
    }
}
