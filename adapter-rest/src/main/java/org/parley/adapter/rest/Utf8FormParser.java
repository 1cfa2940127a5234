package org.parley.adapter.rest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.fileupload.FileItemHeaders;
import org.apache.commons.fileupload.FileUpload;

/**
 * Commons FileUpload reading a form's text as strict UTF-8, so that text that is not valid Unicode is refused where it
 * enters (contract §10) instead of being silently turned into U+FFFD by the JDK's lenient decoders. One place for
 * every part: field names, file names (also RFC 5987's {@code filename*=charset''…}) and the values of text fields.
 *
 * <p>The library is told to read part headers as ISO-8859-1, which keeps every byte as one char; {@link
 * #getParsedHeaders} then decodes those bytes as UTF-8, refusing malformed sequences (an encoded surrogate
 * {@code ED A0 BD} included). Refusals are 400 {@code validation_error} on the part's field name, or on
 * {@code non_field_errors} when the field name itself is unreadable.
 */
final class Utf8FormParser extends FileUpload {

    static final String NON_FIELD_ERRORS = "non_field_errors";
    static final String NOT_UTF8 = "Not valid Unicode: the text is not well-formed UTF-8.";
    static final String FILE_NAME_NOT_UTF8 = "The file name is not valid Unicode (well-formed UTF-8).";
    private static final String CONTENT_DISPOSITION = "Content-Disposition";
    /** RFC 5987's ext-value of {@code filename*}: {@code charset'language'value}, a token without blanks or ';'. */
    private static final Pattern EXTENDED_FILE_NAME =
            Pattern.compile("(?i)(?:^|;)\\s*filename\\*\\s*=\\s*([^;\\s]*)");

    Utf8FormParser() {
        setHeaderEncoding(StandardCharsets.ISO_8859_1.name());
    }

    /**
     * The value of a text field.
     *
     * @throws InvalidFields on {@code field} when the bytes are not well-formed UTF-8, or hold a NUL character
     *                          (U+0000, which PostgreSQL cannot store; as {@link JsonBodyText} refuses it)
     */
    static String fieldValue(String field, byte[] value) {
        String text = decode(value, StandardCharsets.UTF_8).orElseThrow(() -> InvalidFields.of(field, NOT_UTF8));
        if (text.indexOf('\0') >= 0) {
            throw InvalidFields.of(field, JsonBodyText.NULL_CHARACTER);
        }
        return text;
    }

    @Override
    protected FileItemHeaders getParsedHeaders(String headerPart) {
        Optional<String> decoded = decode(headerPart.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        if (decoded.isPresent()) {
            return super.getParsedHeaders(decoded.get());
        }
        FileItemHeaders asBytes = super.getParsedHeaders(headerPart);
        String field = getFieldName(asBytes);
        boolean readableField = field != null && !field.isEmpty() && field.chars().allMatch(c -> c < 0x80);
        boolean withFileName = super.getFileName(asBytes) != null;
        throw InvalidFields.of(readableField ? field : NON_FIELD_ERRORS,
                withFileName ? FILE_NAME_NOT_UTF8 : "The part's headers are not valid Unicode (well-formed UTF-8).");
    }

    /** The library's file name, once a {@code filename*} that decodes to broken text has been refused. */
    @Override
    protected String getFileName(FileItemHeaders headers) {
        String disposition = headers.getHeader(CONTENT_DISPOSITION);
        if (disposition != null) {
            Matcher extended = EXTENDED_FILE_NAME.matcher(disposition);
            while (extended.find()) {
                if (!isWellFormed(extended.group(1))) {
                    String field = getFieldName(headers);
                    throw InvalidFields.of(field == null || field.isEmpty() ? NON_FIELD_ERRORS : field,
                            FILE_NAME_NOT_UTF8);
                }
            }
        }
        return super.getFileName(headers);
    }

    /**
     * Whether an RFC 5987 ext-value decodes without error in its charset. A value without a charset, or with one the
     * JDK does not know, is left to the library (which then keeps the value's own ASCII text).
     */
    private static boolean isWellFormed(String extValue) {
        int charsetEnd = extValue.indexOf('\'');
        int languageEnd = charsetEnd < 0 ? -1 : extValue.indexOf('\'', charsetEnd + 1);
        if (languageEnd < 0) {
            return true;
        }
        Charset charset;
        try {
            charset = Charset.forName(extValue.substring(0, charsetEnd));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return true;
        }
        return decode(percentDecoded(extValue.substring(languageEnd + 1)), charset).isPresent();
    }

    private static byte[] percentDecoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()
                    && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(text.charAt(i + 1), 16) << 4 | Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write((byte) c);
            }
        }
        return bytes.toByteArray();
    }

    /** {@code bytes} decoded in {@code charset}, refusing malformed and unmappable input; empty when refused. */
    private static Optional<String> decode(byte[] bytes, Charset charset) {
        try {
            return Optional.of(charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
