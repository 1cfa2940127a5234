package org.parley.wire.archfixture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Deliberately wrong (architecture-rule fixture): the wire vocabulary writing JSON itself, with a library. */
public class WireVocabularyWritingJson {
    public Object name(String word) {
        return JsonNodeFactory.instance.textNode(word);
    }
}
