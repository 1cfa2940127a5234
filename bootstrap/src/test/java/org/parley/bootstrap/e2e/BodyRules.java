package org.parley.bootstrap.e2e;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The oracle of the REST properties: what docs/api.md (Accounts, Attachments, Text) and contract §2, §5, §10 say the
 * server answers to a JSON body or an upload form, written from the documents, not from the server's code.
 *
 * <p>Where the documents leave a choice open, the answer says so ({@link Answer#orField}: this failure, or success).
 */
final class BodyRules {

    static final int MAX_EMAIL = 254;
    static final int MAX_NAME = 255;
    static final int MAX_SHORT = 32;
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 128;
    static final int MAX_CAPTION_CODE_POINTS = 10_000;
    static final int MAX_FIELD_BYTES = 64 * 1024;
    static final int MAX_PARTS = 16;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final List<String> PROFILE_FIELDS =
            List.of("email", "fullname", "phone_number", "country_code", "gender", "date_of_birth");

    /**
     * The answer: a status, and for a failure its {@code code} and the fields {@code errors} names (null: not
     * checked). {@code orField}, when set, is a failure the documents also allow instead (a coercion they are silent
     * on): {@code 400 validation_error} on that field.
     */
    record Answer(int status, String code, Set<String> fields, String orField) {
        static Answer success(int status) {
            return new Answer(status, null, null, null);
        }

        static Answer failure(int status, String code, Set<String> fields) {
            return new Answer(status, code, fields, null);
        }

        static Answer invalid(String... fields) {
            return failure(400, "validation_error", new LinkedHashSet<>(List.of(fields)));
        }

        Answer orInvalid(String field) {
            return new Answer(status, code, fields, field);
        }
    }

    /** Who exists, by normalized e-mail address (lower case), with their password when they have one. */
    record Accounts(Map<String, String> passwordByEmail, Map<String, String> emailById, Set<String> refreshTokens) {
        boolean taken(String normalizedEmail, String exceptId) {
            return emailById.entrySet().stream()
                    .anyMatch(entry -> entry.getValue().equals(normalizedEmail) && !entry.getKey().equals(exceptId));
        }
    }

    private BodyRules() {
    }

    /** {@code POST /auth/register/}. */
    static Answer register(JsonTree body, Accounts accounts) {
        Optional<Answer> unread = unreadable(body, List.of("email", "password", "fullname", "phone_number",
                "country_code", "gender", "date_of_birth"), Set.of());
        if (unread.isPresent()) {
            return unread.get();
        }
        if (body instanceof JsonTree.Null) {
            return Answer.failure(400, "invalid_json", null);
        }
        JsonTree.Obj form = (JsonTree.Obj) body;
        Optional<Answer> date = dateOfBirth(form);
        if (date.isPresent()) {
            return date.get();
        }
        Set<String> invalid = profileErrors(form);
        String password = text(form, "password");
        if (password == null || password.isEmpty() || password.length() < MIN_PASSWORD
                || password.length() > MAX_PASSWORD || password.isBlank()) {
            invalid.add("password");
        }
        if (!invalid.isEmpty()) {
            return Answer.failure(400, "validation_error", invalid);
        }
        if (accounts.taken(normalized(text(form, "email")), null)) {
            return Answer.failure(409, "conflict", Set.of("email"));
        }
        return Answer.success(201);
    }

    /** {@code POST /auth/token/}: every failure to log in is the same 401. */
    static Answer logIn(JsonTree body, Accounts accounts) {
        if (body instanceof JsonTree.Null) {
            return Answer.failure(401, "unauthorized", null);
        }
        Optional<Answer> unread = unreadable(body, List.of("email", "password"), Set.of());
        if (unread.isPresent()) {
            return unread.get();
        }
        JsonTree.Obj form = (JsonTree.Obj) body;
        String email = text(form, "email");
        String password = text(form, "password");
        if (email == null || password == null || !emailValid(email)) {
            return Answer.failure(401, "unauthorized", null);
        }
        String known = accounts.passwordByEmail().get(normalized(email));
        return password.equals(known) ? Answer.success(200) : Answer.failure(401, "unauthorized", null);
    }

    /** {@code POST /auth/token/refresh/}. */
    static Answer refresh(JsonTree body, Accounts accounts) {
        if (body instanceof JsonTree.Null) {
            return Answer.failure(401, "unauthorized", null);
        }
        Optional<Answer> unread = unreadable(body, List.of("refresh"), Set.of());
        if (unread.isPresent()) {
            return unread.get();
        }
        String token = text((JsonTree.Obj) body, "refresh");
        return token != null && accounts.refreshTokens().contains(token) ? Answer.success(200)
                : Answer.failure(401, "unauthorized", null);
    }

    /** {@code PUT /admin/users/<id>/} with the right key. */
    static Answer upsert(String id, JsonTree body, Accounts accounts) {
        Optional<Answer> unread = unreadable(body, PROFILE_FIELDS, Set.of("is_active"));
        if (unread.isPresent()) {
            return unread.get();
        }
        if (!FrameRules.USER_ID.matcher(id).matches()) {
            return Answer.invalid("id");
        }
        if (body instanceof JsonTree.Null) {
            return Answer.failure(400, "invalid_json", null);
        }
        JsonTree.Obj form = (JsonTree.Obj) body;
        Optional<Answer> date = dateOfBirth(form);
        if (date.isPresent()) {
            return date.get();
        }
        Set<String> invalid = new java.util.TreeSet<>(profileErrors(form));
        Optional<JsonTree> password = form.get("password");
        if (password.isPresent() && !(password.get() instanceof JsonTree.Null)
                && !(password.get() instanceof JsonTree.Str hash
                && hash.value().startsWith("pbkdf2_sha256$"))) {
            // Contract §17: the admin upsert takes a Django hash, never a password (the generators send no valid hash).
            invalid.add("password");
        }
        if (!invalid.isEmpty()) {
            return Answer.failure(400, "validation_error", invalid);
        }
        String userId = id.toLowerCase(Locale.ROOT);
        if (accounts.taken(normalized(text(form, "email")), userId)) {
            return Answer.failure(409, "conflict", Set.of("email"));
        }
        Answer done = Answer.success(accounts.emailById().containsKey(userId) ? 200 : 201);
        Optional<JsonTree> active = form.get("is_active");
        boolean coerced = active.isPresent() && (active.get() instanceof JsonTree.Str || active.get() instanceof JsonTree.Num);
        return coerced ? done.orInvalid("is_active") : done;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Editing, deleting, read markers, presence (contract §11–§13)

    /**
     * A message or thread id in a path: digits only, a positive long; anything else is malformed (404 as the id of
     * nothing, docs/api.md).
     */
    static Optional<Long> pathId(String id) {
        if (!id.matches("[0-9]{1,19}")) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(id);
            return value >= 1 ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException beyondALong) {
            return Optional.empty();
        }
    }

    /**
     * {@code PATCH /chat/message/<id>/} {@code {"message":"…"}} of {@code world}'s sender (docs/api.md, "Editing and
     * deleting"). The documents name no order among the refusals; the request is read first (the body as JSON, the
     * path, the body's {@code message} and its text), then the message is looked up, as for a new text message (whose
     * text is checked before its receiver).
     */
    static Answer edit(String id, JsonTree body, FrameRules.World world) {
        Optional<Answer> unread = unreadable(body, List.of("message"), Set.of());
        if (unread.isPresent()) {
            return unread.get();
        }
        Optional<Long> messageId = pathId(id);
        if (messageId.isEmpty()) {
            return Answer.failure(404, "not_found", null);
        }
        if (body instanceof JsonTree.Null) {
            return Answer.failure(400, "invalid_json", null);
        }
        Optional<JsonTree> text = ((JsonTree.Obj) body).get("message");
        if (text.isEmpty() || !(text.get() instanceof JsonTree.Str str)) {
            return Answer.invalid("message");
        }
        String value = str.value();
        if (value.isBlank() || value.codePointCount(0, value.length()) > FrameRules.MAX_TEXT_CODE_POINTS) {
            return Answer.invalid("message");
        }
        Optional<FrameRules.Stored> message = world.store().message(messageId.get())
                .filter(found -> found.sender().equals(world.sender()));
        if (message.isEmpty()) {
            return Answer.failure(404, "not_found", null);
        }
        if (message.get().deleted()) {
            return Answer.failure(409, "conflict", Set.of("message"));
        }
        return message.get().type().equals("text") ? Answer.success(200) : Answer.invalid("message");
    }

    /** {@code DELETE /chat/message/<id>/}: the sender's own message (deleted or not) → 200, else 404. */
    static Answer delete(String id, FrameRules.World world) {
        return pathId(id).flatMap(world.store()::message).filter(found -> found.sender().equals(world.sender()))
                .map(found -> Answer.success(200)).orElse(Answer.failure(404, "not_found", null));
    }

    /**
     * {@code POST /chat/thread/<thread_id>/seen/} {@code {"message_id":<id>}} (docs/api.md, "Read state"): a message
     * of that thread that the sender sent or received. Read first: the body as JSON, the path, the body's
     * {@code message_id} (a positive whole number or a string of digits, as the frame's); then the thread and message.
     */
    static Answer seen(String thread, JsonTree body, FrameRules.World world) {
        Optional<Answer> unread = unreadable(body, List.of(), Set.of());
        if (unread.isPresent()) {
            return unread.get();
        }
        Optional<Long> threadId = pathId(thread);
        if (threadId.isEmpty()) {
            return Answer.failure(404, "not_found", null);
        }
        if (body instanceof JsonTree.Null) {
            return Answer.failure(400, "invalid_json", null);
        }
        Optional<Long> messageId = ((JsonTree.Obj) body).get("message_id").flatMap(FrameRules::messageId)
                .filter(id -> id >= 1);
        if (messageId.isEmpty()) {
            return Answer.invalid("message_id");
        }
        return world.store().message(messageId.get())
                .filter(found -> found.involves(world.sender()) && found.thread() == threadId.get())
                .map(found -> Answer.success(200)).orElse(Answer.failure(404, "not_found", null));
    }

    /**
     * {@code GET /chat/presence/?ids=…} with these {@code ids} parameters (as the server decodes them; none: no
     * parameter): each a comma-separated list; at most {@value #MAX_PRESENCE_IDS} ids in all; none, an empty item or
     * one that is not a UUID → 400 {@code errors.ids} (docs/api.md, "Typing and presence").
     */
    static Answer presence(List<String> parameters) {
        List<String> items = new ArrayList<>();
        for (String parameter : parameters) {
            items.addAll(List.of(parameter.split(",", -1)));
        }
        if (items.isEmpty() || items.size() > MAX_PRESENCE_IDS
                || !items.stream().allMatch(item -> FrameRules.USER_ID.matcher(item).matches())) {
            return Answer.invalid("ids");
        }
        return Answer.success(200);
    }

    static final int MAX_PRESENCE_IDS = 100;

    /**
     * Whether the documents and the server disagree on these parameters: docs/api.md says an empty item or one that
     * is not a UUID is 400, while the server strips white space around each id and skips a blank {@code ids}
     * parameter, so {@code ids=%20<uuid>} and {@code ids=<uuid>&ids=} are answered 200. Reported (issue 14 review of
     * the property tests); until the documents or the server change, the test accepts either answer for these only.
     */
    static boolean presenceDisputed(List<String> parameters) {
        List<String> lenient = parameters.stream().filter(parameter -> !parameter.isBlank()).toList();
        List<String> items = new ArrayList<>();
        for (String parameter : lenient) {
            for (String item : parameter.split(",", -1)) {
                items.add(item.strip());
            }
        }
        return presence(parameters).status() == 400 && !items.isEmpty() && items.size() <= MAX_PRESENCE_IDS
                && items.stream().allMatch(item -> FrameRules.USER_ID.matcher(item).matches());
    }

    /**
     * What stops a body before any field is looked at, in the order the documents give: not JSON, not one object
     * ({@code invalid_json}); text that is not valid Unicode or holds U+0000, anywhere ({@code validation_error} on its
     * path); a field of the wrong JSON type (an object or array where text is expected; anything but a boolean where
     * a boolean is).
     *
     * @param body a JSON {@code null} passes, for the caller to decide
     */
    static Optional<Answer> unreadable(JsonTree body, List<String> textFields, Set<String> booleanFields) {
        Optional<String> parser = FrameRules.unreadable(body, 0);
        if (parser.isPresent()) {
            return Optional.of(parser.get().equals("validation_error") ? Answer.invalid("non_field_errors")
                    : Answer.failure(400, "invalid_json", null));
        }
        Optional<String> refused = firstRefused(body, "");
        if (refused.isPresent()) {
            return Optional.of(Answer.invalid(refused.get()));
        }
        if (body instanceof JsonTree.Null) {
            return Optional.empty();
        }
        if (!(body instanceof JsonTree.Obj form)) {
            return Optional.of(Answer.failure(400, "invalid_json", null));
        }
        for (JsonTree.Member member : form.members()) {
            JsonTree value = member.value();
            boolean container = value instanceof JsonTree.Obj || value instanceof JsonTree.Arr;
            if (textFields.contains(member.key()) && container) {
                return Optional.of(Answer.invalid(member.key()));
            }
            if (booleanFields.contains(member.key()) && (container || value instanceof JsonTree.Num num
                    && (num.literal().contains(".") || num.literal().contains("e") || num.literal().contains("E")))) {
                return Optional.of(Answer.invalid(member.key()));
            }
            if (booleanFields.contains(member.key()) && value instanceof JsonTree.Str str
                    && !str.value().isBlank() && !str.value().strip().equalsIgnoreCase("true")
                    && !str.value().strip().equalsIgnoreCase("false")) {
                return Optional.of(Answer.invalid(member.key()));
            }
        }
        return Optional.empty();
    }

    /**
     * Where the first refused text is (text is checked before the body's shape): a value's path; a key's object; the
     * top (a key of the top object, or a body that is a string) is {@code non_field_errors}.
     */
    static Optional<String> firstRefused(JsonTree node, String path) {
        if (node instanceof JsonTree.Str str) {
            return FrameRules.acceptable(str.value()) ? Optional.empty()
                    : Optional.of(path.isEmpty() ? "non_field_errors" : path);
        }
        if (node instanceof JsonTree.Obj obj) {
            for (JsonTree.Member member : obj.members()) {
                if (!FrameRules.acceptable(member.key())) {
                    return Optional.of(path.isEmpty() ? "non_field_errors" : path);
                }
                Optional<String> inside = firstRefused(member.value(),
                        path.isEmpty() ? member.key() : path + "." + member.key());
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        if (node instanceof JsonTree.Arr arr) {
            for (int i = 0; i < arr.items().size(); i++) {
                Optional<String> inside = firstRefused(arr.items().get(i), path + "[" + i + "]");
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A text field's value as the API reads it: a string as it is, a number or boolean as its JSON text (the
     * documents are silent; Django REST framework's CharField reads numbers the same way), null when absent or null.
     */
    static String text(JsonTree.Obj form, String field) {
        Optional<JsonTree> value = form.get(field);
        if (value.isEmpty() || value.get() instanceof JsonTree.Null) {
            return null;
        }
        if (value.get() instanceof JsonTree.Str str) {
            return str.value();
        }
        return value.get().toString();
    }

    /** {@code YYYY-MM-DD}, a real date with a year from 1 to 9999 (Django's {@code DateField}); blank is unknown. */
    private static Optional<Answer> dateOfBirth(JsonTree.Obj form) {
        String date = text(form, "date_of_birth");
        if (date == null || date.isBlank()) {
            return Optional.empty();
        }
        String stripped = date.strip();
        try {
            if (DATE.matcher(stripped).matches() && LocalDate.parse(stripped).getYear() >= 1) {
                return Optional.empty();
            }
        } catch (DateTimeParseException invalid) {
            // refused below
        }
        return Optional.of(Answer.invalid("date_of_birth"));
    }

    private static Set<String> profileErrors(JsonTree.Obj form) {
        Set<String> invalid = new LinkedHashSet<>();
        if (!emailValid(text(form, "email"))) {
            invalid.add("email");
        }
        String fullname = text(form, "fullname");
        if (fullname == null || fullname.isBlank() || fullname.strip().length() > MAX_NAME) {
            invalid.add("fullname");
        }
        for (String field : List.of("phone_number", "country_code", "gender")) {
            String value = text(form, field);
            if (value != null && !value.isBlank() && value.strip().length() > MAX_SHORT) {
                invalid.add(field);
            }
        }
        return invalid;
    }

    static boolean emailValid(String email) {
        if (email == null || email.isBlank()) {
            return false;
        }
        String stripped = email.strip();
        return stripped.length() <= MAX_EMAIL && normalized(stripped).length() <= MAX_EMAIL
                && EMAIL.matcher(stripped).matches();
    }

    static String normalized(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Uploads

    /**
     * One part of a generated form, as bytes: its {@code name}, its {@code filename} parameter (null: none) and its
     * content. A part is the file when its name is {@code attached_file}.
     */
    record Part(byte[] name, byte[] fileName, byte[] content) {
        String nameText() {
            return decode(name).orElse(null);
        }
    }

    /** Who uploads, and who may receive files. */
    record Uploader(String id, Set<String> activeReceivers) {
    }

    /** {@code POST /chat/attachment/} with a {@code multipart/form-data} body of these parts. */
    static Answer upload(List<Part> parts, Uploader uploader, long maxFileBytes) {
        Map<String, String> fields = new java.util.HashMap<>();
        boolean hasFile = false;
        long fileBytes = 0;
        int count = 0;
        for (Part part : parts) {
            Optional<String> decodedName = decode(part.name());
            Optional<String> decodedFileName = part.fileName() == null ? Optional.of("") : decode(part.fileName());
            if (decodedName.isEmpty() || decodedFileName.isEmpty()) {
                String ascii = parameter(new String(part.name(), StandardCharsets.ISO_8859_1));
                boolean readable = ascii != null && !ascii.isEmpty() && ascii.chars().allMatch(c -> c < 0x80);
                return Answer.invalid(readable ? ascii : "non_field_errors");
            }
            String name = parameter(decodedName.get());
            if (name == null) {
                continue; // a part without a name is no form field (RFC 7578 §4.2): the multipart library skips it
            }
            Optional<String> fileName = Optional.ofNullable(parameter(decodedFileName.get())).or(() -> Optional.of(""));
            if (++count > MAX_PARTS) {
                return Answer.invalid("attached_file");
            }
            if (name.equals("attached_file")) {
                if (hasFile) {
                    return Answer.invalid("attached_file");
                }
                hasFile = true;
                fileBytes = part.content().length;
                if (fileBytes > maxFileBytes) {
                    return Answer.failure(413, "too_large", null);
                }
                // A U+0000 left inside the file name is refused (400, as a malformed part or a validation error).
                if (fileName.get().indexOf('\0') >= 0) {
                    return Answer.failure(400, "bad_request", null).orInvalid("attached_file");
                }
            } else {
                String field = name.isBlank() ? "non_field_errors" : name;
                if (part.content().length > maxFileBytes) {
                    // Beyond the upload limit: a body too large whatever the part (the documents name no order).
                    return Answer.failure(413, "too_large", null).orInvalid(field);
                }
                if (part.content().length > MAX_FIELD_BYTES) {
                    return Answer.invalid(field);
                }
                Optional<String> value = decode(part.content());
                if (value.isEmpty() || value.get().indexOf('\0') >= 0) {
                    return Answer.invalid(field);
                }
                fields.putIfAbsent(name, value.get());
            }
        }
        if (count == 0) {
            return Answer.failure(400, "bad_request", null);
        }
        if (!hasFile || fileBytes == 0) {
            return Answer.invalid("attached_file");
        }
        String receiver = fields.get("receiver");
        if (receiver == null || receiver.isBlank() || !FrameRules.USER_ID.matcher(receiver.strip()).matches()) {
            return Answer.invalid("receiver");
        }
        String receiverId = receiver.strip().toLowerCase(Locale.ROOT);
        if (receiverId.equals(uploader.id())) {
            return Answer.invalid("receiver");
        }
        if (!uploader.activeReceivers().contains(receiverId)) {
            return Answer.failure(404, "not_found", null);
        }
        String caption = fields.get("message");
        if (caption != null && !caption.isBlank()
                && caption.codePointCount(0, caption.length()) > MAX_CAPTION_CODE_POINTS) {
            return Answer.invalid("message");
        }
        return Answer.success(201);
    }

    /**
     * A {@code Content-Disposition} parameter as the multipart library (Commons FileUpload) reads it: white space
     * ({@link Character#isWhitespace}) around it removed, then {@link String#trim} (which also removes U+0000 to
     * U+001F); null when nothing is left before the trim (the part then has no such parameter).
     */
    static String parameter(String raw) {
        int start = 0;
        int end = raw.length();
        while (start < end && Character.isWhitespace(raw.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(raw.charAt(end - 1))) {
            end--;
        }
        return start == end ? null : raw.substring(start, end).trim();
    }

    /** Strict UTF-8 (an encoded surrogate, an overlong form or a stray byte is refused). */
    static Optional<String> decode(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * UTF-8, except that an unpaired surrogate is written as the three bytes a lax encoder writes for it ({@code ED A0
     * BD} for U+D83D: "WTF-8"), which no strict decoder accepts: the raw form of a lone surrogate.
     */
    static byte[] wtf8(String text) {
        List<Byte> bytes = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint < 0x80) {
                bytes.add((byte) codePoint);
            } else if (codePoint < 0x800) {
                bytes.add((byte) (0xC0 | codePoint >> 6));
                bytes.add((byte) (0x80 | codePoint & 0x3F));
            } else if (codePoint < 0x10000) {
                bytes.add((byte) (0xE0 | codePoint >> 12));
                bytes.add((byte) (0x80 | codePoint >> 6 & 0x3F));
                bytes.add((byte) (0x80 | codePoint & 0x3F));
            } else {
                bytes.add((byte) (0xF0 | codePoint >> 18));
                bytes.add((byte) (0x80 | codePoint >> 12 & 0x3F));
                bytes.add((byte) (0x80 | codePoint >> 6 & 0x3F));
                bytes.add((byte) (0x80 | codePoint & 0x3F));
            }
        }
        byte[] array = new byte[bytes.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = bytes.get(i);
        }
        return array;
    }
}
