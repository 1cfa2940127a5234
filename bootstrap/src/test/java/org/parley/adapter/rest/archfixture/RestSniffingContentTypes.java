package org.parley.adapter.rest.archfixture;

import org.apache.tika.Tika;

/** Deliberately wrong (architecture-rule fixture): the REST adapter detecting content types itself. */
public class RestSniffingContentTypes {
    public String detect(byte[] bytes) {
        return new Tika().detect(bytes);
    }
}
