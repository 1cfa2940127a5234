package org.parley.adapter.contenttypes;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.apache.tika.Tika;
import org.parley.application.port.out.ContentTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content types from the bytes: Apache Tika core's magic numbers (and its plain-text heuristic), which read at most the
 * first 64 KiB of a file ({@link ContentTypes#FIRST_BYTES}).
 *
 * <p>The file name is deliberately not used: the API promises a type detected from the bytes, never taken from the
 * client (api.md, "Attachments"), and Tika would let a name turn unknown bytes into the type it claims
 * ({@code x.pdf} → {@code application/pdf}) or refine plain text ({@code notes.md} → {@code text/markdown}).
 * Thread-safe.
 */
public final class TikaContentTypes implements ContentTypes {

    static final String UNKNOWN_TYPE = "application/octet-stream";
    private static final Logger LOG = LoggerFactory.getLogger(TikaContentTypes.class);

    private final Tika tika = new Tika();

    @Override
    public String detect(byte[] firstBytes, String fileName) {
        try {
            String type = tika.detect(new ByteArrayInputStream(firstBytes));
            return type == null || type.isBlank() ? UNKNOWN_TYPE : type;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Content type detection failed; storing as {}", UNKNOWN_TYPE, e);
            return UNKNOWN_TYPE;
        }
    }
}
