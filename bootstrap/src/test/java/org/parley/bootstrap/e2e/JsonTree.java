package org.parley.bootstrap.e2e;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON value built by a property test, written exactly as chosen: numbers keep their literal ({@code 1e2},
 * {@code -0}, 400 digits), strings may hold any UTF-16 code units (an unpaired surrogate is written as the escape
 * {@code \ud83d}, which JSON allows and which is the only way to send one in a websocket text frame), and an object's
 * keys are unique (what a frame or body with duplicate keys means is left to the parser, not the contract).
 *
 * <p>{@link #toString()} is the readable form a failure report shows: every code unit that is not printable ASCII is
 * escaped, and long strings are shortened to their ends and length.
 */
sealed interface JsonTree {

    /** How many characters of a long string {@link #toString()} shows. */
    int SHOWN = 48;

    record Obj(List<Member> members) implements JsonTree {
        public Obj {
            members = List.copyOf(members);
            if (members.stream().map(Member::key).distinct().count() != members.size()) {
                throw new IllegalArgumentException("duplicate key");
            }
        }

        Optional<JsonTree> get(String key) {
            return members.stream().filter(member -> member.key().equals(key)).map(Member::value).findFirst();
        }

        @Override
        public String toString() {
            return readable(this);
        }
    }

    record Member(String key, JsonTree value) {
    }

    record Arr(List<JsonTree> items) implements JsonTree {
        public Arr {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return readable(this);
        }
    }

    record Str(String value) implements JsonTree {
        @Override
        public String toString() {
            return readable(this);
        }
    }

    /** A number as its literal, which must be a valid JSON number. */
    record Num(String literal) implements JsonTree {
        @Override
        public String toString() {
            return literal;
        }
    }

    record Bool(boolean value) implements JsonTree {
        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    record Null() implements JsonTree {
        @Override
        public String toString() {
            return "null";
        }
    }

    JsonTree NULL = new Null();

    static Obj object(Object... keysAndValues) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            members.add(new Member((String) keysAndValues[i], (JsonTree) keysAndValues[i + 1]));
        }
        return new Obj(members);
    }

    static Str string(String value) {
        return new Str(value);
    }

    /** The JSON text to send: non-ASCII characters as they are, unpaired surrogates and control characters escaped. */
    default String json() {
        StringBuilder out = new StringBuilder();
        write(this, out, false, Integer.MAX_VALUE);
        return out.toString();
    }

    /** Nesting depth: 0 for a scalar, 1 for an empty container or one of scalars, and so on. */
    default int depth() {
        if (this instanceof Obj obj) {
            return 1 + obj.members().stream().mapToInt(member -> member.value().depth()).max().orElse(0);
        }
        if (this instanceof Arr arr) {
            return 1 + arr.items().stream().mapToInt(JsonTree::depth).max().orElse(0);
        }
        return 0;
    }

    /** Every string value and key, in document order. */
    default List<String> texts() {
        List<String> texts = new ArrayList<>();
        collectTexts(this, texts);
        return texts;
    }

    /** The tree of a parsed JSON value (numbers by their text, which has the same value as the literal read). */
    static JsonTree of(JsonNode node) {
        if (node.isObject()) {
            List<Member> members = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                members.add(new Member(field.getKey(), of(field.getValue())));
            }
            return new Obj(members);
        }
        if (node.isArray()) {
            List<JsonTree> items = new ArrayList<>();
            node.forEach(item -> items.add(of(item)));
            return new Arr(items);
        }
        if (node.isTextual()) {
            return new Str(node.textValue());
        }
        if (node.isNumber()) {
            return new Num(node.asText());
        }
        if (node.isBoolean()) {
            return new Bool(node.booleanValue());
        }
        return NULL;
    }

    private static void collectTexts(JsonTree tree, List<String> texts) {
        if (tree instanceof Str str) {
            texts.add(str.value());
        } else if (tree instanceof Obj obj) {
            for (Member member : obj.members()) {
                texts.add(member.key());
                collectTexts(member.value(), texts);
            }
        } else if (tree instanceof Arr arr) {
            arr.items().forEach(item -> collectTexts(item, texts));
        }
    }

    private static String readable(JsonTree tree) {
        StringBuilder out = new StringBuilder();
        write(tree, out, true, SHOWN);
        return out.toString();
    }

    private static void write(JsonTree tree, StringBuilder out, boolean asciiOnly, int shown) {
        if (tree instanceof Obj obj) {
            out.append('{');
            for (int i = 0; i < obj.members().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeString(obj.members().get(i).key(), out, asciiOnly, shown);
                out.append(':');
                write(obj.members().get(i).value(), out, asciiOnly, shown);
            }
            out.append('}');
        } else if (tree instanceof Arr arr) {
            out.append('[');
            for (int i = 0; i < arr.items().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(arr.items().get(i), out, asciiOnly, shown);
            }
            out.append(']');
        } else if (tree instanceof Str str) {
            writeString(str.value(), out, asciiOnly, shown);
        } else {
            out.append(tree);
        }
    }

    /**
     * A JSON string literal. Escaped always: quote, backslash, control characters below U+0020 and unpaired
     * surrogates; with {@code asciiOnly}, every other code unit outside printable ASCII too. Strings longer than
     * {@code shown} are shortened to their ends and length (only for reports).
     */
    static void writeString(String text, StringBuilder out, boolean asciiOnly, int shown) {
        out.append('"');
        if (text.length() > shown) {
            writeChars(text.substring(0, shown / 2), out, asciiOnly);
            out.append("…[").append(text.length()).append(" chars]…");
            writeChars(text.substring(text.length() - shown / 4), out, asciiOnly);
        } else {
            writeChars(text, out, asciiOnly);
        }
        out.append('"');
    }

    private static void writeChars(String text, StringBuilder out, boolean asciiOnly) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !paired || asciiOnly && c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
    }
}
