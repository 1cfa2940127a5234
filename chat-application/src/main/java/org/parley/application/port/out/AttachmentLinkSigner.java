package org.parley.application.port.out;

/**
 * Signs the data of a media link with a server-side key, and checks such signatures. Signatures are URL-safe text.
 */
public interface AttachmentLinkSigner {

    String sign(String data);

    /** Whether {@code signature} is what {@link #sign} gives for {@code data} (compared in constant time). */
    boolean verify(String data, String signature);
}
