package org.parley.application.testing;

import org.parley.application.port.out.AttachmentLinkSigner;

/** A transparent {@link AttachmentLinkSigner} for tests: the signature is the reversed data. */
public final class FakeLinkSigner implements AttachmentLinkSigner {

    @Override
    public String sign(String data) {
        return "sig-" + new StringBuilder(data).reverse();
    }

    @Override
    public boolean verify(String data, String signature) {
        return sign(data).equals(signature);
    }
}
