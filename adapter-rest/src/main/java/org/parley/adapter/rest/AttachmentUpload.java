package org.parley.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.fileupload.FileItemIterator;
import org.apache.commons.fileupload.FileItemStream;
import org.apache.commons.fileupload.FileUpload;
import org.apache.commons.fileupload.FileUploadBase;
import org.apache.commons.fileupload.FileUploadException;
import org.apache.commons.fileupload.InvalidFileNameException;
import org.parley.application.error.TooLarge;
import org.parley.application.port.in.UploadAttachment;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upload's multipart body into an {@link UploadAttachment} call. Commons FileUpload's streaming iterator reads
 * the parts as they arrive (nothing is spooled before this runs); the file part is copied into a file of the dedicated
 * temporary directory (the seed's clients may send the receiver and the file's name after the file), then handed to the
 * use case; that temporary file is deleted when the request ends, whatever happened.
 *
 * <p>Limits: the file at most the upload limit and the whole body at most that plus
 * {@link RequestBodyLimit#MULTIPART_OVERHEAD_BYTES} (both enforced by the library, answered 413 {@code too_large}),
 * part headers at most {@value #MAX_HEADER_BYTES} bytes (library; 400), text fields at most {@value #MAX_FIELD_BYTES}
 * bytes each and a body at most {@value #MAX_PARTS} parts (counted here, as the library counts parts only when it
 * stores them itself). A body that is not well-formed {@code multipart/form-data} is answered 400. Field names, file
 * names and text fields must be well-formed UTF-8 ({@link Utf8FormParser}: 400 {@code validation_error} otherwise).
 * A rule of the use case that the form breaks is reported on the form's field ({@code receiver}, {@code message}).
 */
final class AttachmentUpload {

    static final int MAX_FIELD_BYTES = 64 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_PARTS = 16;
    static final String FILE_FIELD = "attached_file";
    /** Django's messages for a missing and an empty file ({@code django.forms.FileField}). */
    static final String NO_FILE = "No file was submitted.";
    static final String EMPTY_FILE = "The submitted file is empty.";

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentUpload.class);

    private final UploadAttachment uploadAttachment;
    private final long maxUploadBytes;
    private final Path tempDir;
    private final FileUpload parser;
    private final long maxBodyBytes;

    AttachmentUpload(UploadAttachment uploadAttachment, long maxUploadBytes, Path tempDir) {
        this.uploadAttachment = Objects.requireNonNull(uploadAttachment, "uploadAttachment");
        this.maxUploadBytes = maxUploadBytes;
        this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
        this.maxBodyBytes = maxUploadBytes + RequestBodyLimit.MULTIPART_OVERHEAD_BYTES;
        this.parser = streamingParser(maxUploadBytes, maxBodyBytes);
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

    /**
     * Reads the form and uploads its file.
     *
     * @throws TooLarge           when the file is larger than the upload limit
     * @throws MalformedMultipart when the body is not well-formed {@code multipart/form-data}
     */
    UploadAttachment.Uploaded read(UserId sender, MultipartBody body) throws IOException {
        Path spooled = Files.createTempFile(tempDir, "upload-", ".part");
        try {
            Form form = readForm(body, spooled);
            UserId receiver = receiver(form.fields().get("receiver"));
            String fileName = Optional.ofNullable(form.fields().get("attached_file_name"))
                    .filter(name -> !name.isBlank()).orElse(form.fileName());
            try (InputStream content = Files.newInputStream(spooled)) {
                return uploadAttachment.upload(new UploadAttachment.Command(
                        sender, receiver, form.fields().get("message"), fileName, content));
            } catch (DomainRuleViolation violation) {
                throw InvalidFields.of(formField(violation.subject()), violation.getMessage());
            }
        } finally {
            try {
                Files.deleteIfExists(spooled);
            } catch (IOException e) {
                LOG.warn("Could not delete the temporary upload {}", spooled.getFileName(), e);
            }
        }
    }

    /**
     * The upload form's name for what a broken rule is about: the form names its receiver {@code receiver} and its
     * caption {@code message}; anything else as the rest of the API names it.
     */
    static String formField(RuleSubject subject) {
        return switch (subject) {
            case RECEIVER -> "receiver";
            case TEXT, CAPTION -> "message";
            default -> RestFieldNames.of(subject);
        };
    }

    /** The text fields of a form (the first value of each) and the name the client gave its file part. */
    private record Form(Map<String, String> fields, String fileName) {
    }

    /** Reads every part; the file part's bytes go to {@code spooled}. */
    private Form readForm(MultipartBody body, Path spooled) throws IOException {
        try {
            return readParts(body, spooled);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    private Form readParts(MultipartBody body, Path spooled) throws Exception {
        try {
            Map<String, String> fields = new HashMap<>();
            String fileName = null;
            boolean hasFile = false;
            int parts = 0;
            FileItemIterator items = parser.getItemIterator(body);
            while (items.hasNext()) {
                FileItemStream part = items.next();
                if (++parts > MAX_PARTS) {
                    throw InvalidFields.of(FILE_FIELD, "Too many form fields");
                }
                if (FILE_FIELD.equals(part.getFieldName())) {
                    if (hasFile) {
                        throw InvalidFields.of(FILE_FIELD, "Send one file per message");
                    }
                    hasFile = true;
                    try (InputStream content = part.openStream()) {
                        Files.copy(content, spooled, StandardCopyOption.REPLACE_EXISTING);
                    }
                    fileName = fileName(part);
                } else {
                    byte[] value;
                    try (InputStream content = part.openStream()) {
                        value = content.readNBytes(MAX_FIELD_BYTES + 1);
                    }
                    // A name the library reads as blank (such as a lone U+0000, which it trims) names no field.
                    String field = part.getFieldName().isBlank() ? Utf8FormParser.NON_FIELD_ERRORS : part.getFieldName();
                    if (value.length > MAX_FIELD_BYTES) {
                        throw InvalidFields.of(field, "This field is too long");
                    }
                    fields.putIfAbsent(part.getFieldName(), Utf8FormParser.fieldValue(field, value));
                }
            }
            if (parts == 0) {
                throw new MalformedMultipart("The body holds no multipart part (is its boundary right?)", null);
            }
            if (!hasFile) {
                throw InvalidFields.of(FILE_FIELD, NO_FILE);
            }
            if (Files.size(spooled) == 0) {
                throw InvalidFields.of(FILE_FIELD, EMPTY_FILE);
            }
            return new Form(fields, fileName);
        } catch (FileUploadException e) {
            throw translate(e);
        } catch (FileUploadBase.FileUploadIOException e) {
            // A limit crossed while a part's stream was being read: the library wraps it in an IOException.
            if (e.getCause() instanceof FileUploadException cause) {
                throw translate(cause);
            }
            throw e;
        } catch (org.apache.commons.fileupload.MultipartStream.MalformedStreamException
                 | org.apache.commons.fileupload.MultipartStream.IllegalBoundaryException e) {
            throw new MalformedMultipart("The body is not well-formed multipart/form-data: " + e.getMessage(), e);
        }
    }

    /** The library's failure as Parley's: limits are 413, anything else a malformed body (400). */
    private Exception translate(FileUploadException failure) {
        if (failure instanceof FileUploadBase.FileSizeLimitExceededException) {
            return new TooLarge(maxUploadBytes);
        }
        if (failure instanceof FileUploadBase.SizeLimitExceededException tooLarge
                && tooLarge.getPermittedSize() == maxBodyBytes) {
            return new RequestBodyLimit.BodyTooLarge(maxBodyBytes);
        }
        // The same exception with the part-header limit as its permitted size: headers too large, a malformed body.
        return new MalformedMultipart("The body is not well-formed multipart/form-data: " + failure.getMessage(), failure);
    }

    /**
     * The file name of a part as the library reads it ({@code filename*}, RFC 5987, decoded; the later of it and
     * {@code filename} wins), then unescaped: only {@code \"} and {@code \\} are escapes, as browsers send Windows
     * paths with their backslashes as they are.
     */
    private static String fileName(FileItemStream part) {
        String name;
        try {
            name = part.getName();
        } catch (InvalidFileNameException e) {
            throw new MalformedMultipart("A file name holds a NUL character", null);
        }
        if (name == null || name.indexOf('\\') < 0) {
            return name;
        }
        StringBuilder unescaped = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length() && (name.charAt(i + 1) == '"' || name.charAt(i + 1) == '\\')) {
                c = name.charAt(++i);
            }
            unescaped.append(c);
        }
        return unescaped.toString();
    }

    private static UserId receiver(String text) {
        if (text == null || text.isBlank()) {
            throw InvalidFields.of("receiver", "This field is required.");
        }
        try {
            return UserId.parse(text.strip());
        } catch (DomainRuleViolation e) {
            throw InvalidFields.of("receiver", "Must be a valid user id.");
        }
    }

    /**
     * Commons FileUpload without a servlet container: parts come one by one from its streaming iterator, headers and
     * text fields decoded as strict UTF-8 ({@link Utf8FormParser}); nothing is stored by the library (no item factory
     * is needed for streaming).
     */
    private static FileUpload streamingParser(long maxFileBytes, long maxBodyBytes) {
        FileUpload upload = new Utf8FormParser();
        upload.setFileSizeMax(maxFileBytes);
        upload.setSizeMax(maxBodyBytes);
        upload.setPartHeaderSizeMax(MAX_HEADER_BYTES);
        return upload;
    }
}
