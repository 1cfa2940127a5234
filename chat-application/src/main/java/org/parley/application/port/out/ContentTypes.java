package org.parley.application.port.out;

/**
 * Tells what kind of file an upload is, from its first bytes: a replaceable detector (Apache Tika's magic numbers
 * today), apart from where the bytes are kept, so that every attachment store gets the same types.
 */
public interface ContentTypes {

    /**
     * The most first bytes {@link #detect} looks at: 64 KiB, as many as Tika's magic numbers read. A file's first
     * {@code min(size, FIRST_BYTES)} bytes are enough for any detector.
     */
    int FIRST_BYTES = 64 * 1024;

    /**
     * The media type of a file, such as {@code image/png}; {@code application/octet-stream} when unknown. Never throws
     * for any bytes: a detector that fails answers the unknown type.
     *
     * @param firstBytes the file's first {@code min(size, FIRST_BYTES)} bytes (not changed)
     * @param fileName   the client's (cleaned) name for the file: a hint a detector may use where the bytes leave the
     *                   type open, never to contradict them
     */
    String detect(byte[] firstBytes, String fileName);
}
