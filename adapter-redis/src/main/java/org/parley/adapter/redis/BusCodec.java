package org.parley.adapter.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.UserTyping;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.MessageType;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * The bus's wire format: one publication is a batch of items from one node, JSON (compact keys), versioned:
 *
 * <pre>{"v":1,"n":"&lt;node id&gt;","s":&lt;batch sequence&gt;,"i":[item, …]}</pre>
 *
 * Items:
 * <ul>
 *   <li>{@code {"k":"m", "to":[[user, "r"|"s"], …], "m":{message}, "cid":…, "p":{user}, "l":{link}, "pos":…}}: a
 *       {@link MessageStored}, everything its frames need (the shared profile expanded, the attachment link signed);
 *       {@code pos} absent when the position is unknown, {@code 0} for a thread's first message, else the id of the
 *       message stored before it;</li>
 *   <li>{@code {"k":"s", "to":[[user, "r"|"s"], …], "t":thread, "u":reader, "m":message id, "at":instant, "cid":…}}:
 *       a {@link MessageSeen} (a read marker, contract §11);</li>
 *   <li>{@code {"k":"e", "to":[…], "m":{message}, "cid":…}}: a {@link MessageEdited} (the message as edited, its
 *       {@code "ed":true}); {@code {"k":"d", "to":[…], "m":{message}, "cid":…}}: a {@link MessageDeleted} (the
 *       tombstone, content {@code "x":"deleted"} with its kind in {@code "was"}) (contract §12). A node of an earlier
 *       build reads neither and closes their recipients to catch up, as for any item it cannot read;</li>
 *   <li>{@code {"k":"ty","to":[…],"f":sender,"r":receiver,"at":instant}}: a {@link UserTyping} (contract §13);</li>
 *   <li>{@code {"k":"pr","to":[…],"u":user,"on":bool,"ls":instant}}: a {@link PresenceChanged} ({@code ls} only
 *       when offline);</li>
 *   <li>{@code {"k":"rs","to":[…],"m":message id,"t":thread,"at":instant}}: a {@link RepeatedSend}, a send repeated
 *       and answered from storage ({@code at}: when its message was stored); a node of an earlier build cannot read
 *       it and closes its recipients to catch up, the most it would ask for;</li>
 *   <li>{@code {"k":"u","u":user}}: a user's account changed;</li>
 *   <li>{@code {"k":"c","u":[user, …],"b":instant}} or {@code {"k":"c","all":true,"b":instant}}: these users'
 *       (everyone's) connections opened before the instant may have missed frames of the sending node, and are closed
 *       to catch up.</li>
 * </ul>
 * Instants are {@code [epoch second, nano]}, exact. A batch of another version is no batch ({@link #decode} throws); an
 * item of an unknown kind, or whose fields cannot be read, is reported as {@link Unreadable} with the users who must
 * catch up when they can be known (see {@link #decode}).
 */
final class BusCodec {

    static final int VERSION = 1;

    private static final JsonFactory FACTORY = new JsonFactory();

    /** What a node publishes, one item at a time. */
    sealed interface Item permits Event, Repeated, UserChanged, CatchUp {
    }

    /** A stored message's (or any outbound) event. */
    record Event(OutboundEvent event) implements Item {
    }

    /** A send repeated and answered from storage on the sending node. */
    record Repeated(RepeatedSend repeated) implements Item {
    }

    record UserChanged(UserId user) implements Item {
    }

    /** The connections of {@code users} (everyone's, when {@code all}) opened before {@code openedBefore} may have
     *  missed frames of the sending node. */
    record CatchUp(List<UserId> users, boolean all, Instant openedBefore) implements Item {
        CatchUp {
            users = List.copyOf(users);
            java.util.Objects.requireNonNull(openedBefore, "openedBefore");
        }
    }

    /**
     * A batch as received; {@code leaving} when it is the last its node publishes, leaving the bus with nothing left
     * unpublished ({@link #encodeLeaving}).
     */
    record Batch(int version, String node, long sequence, List<Item> items, List<Unreadable> unreadable,
                 boolean leaving) {
    }

    /**
     * An item that could not be read, with the recipients it names when they could be read, and where it was: after
     * {@code readableBefore} of the batch's {@link Batch#items() items}.
     */
    record Unreadable(String reason, List<UserId> recipients, int readableBefore) {
    }

    private BusCodec() {
    }

    static byte[] encode(String node, long sequence, List<Item> items) {
        return encode(node, sequence, items, false);
    }

    /**
     * The last batch a node publishes as it leaves the bus with nothing left unpublished: empty, with {@code
     * "bye":true} after its items, so that the other nodes do not take its silence for a node killed or cut off. A
     * build that does not know the field skips it, and reads a heartbeat.
     */
    static byte[] encodeLeaving(String node, long sequence) {
        return encode(node, sequence, List.of(), true);
    }

    private static byte[] encode(String node, long sequence, List<Item> items, boolean leaving) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, items.size()));
        try (JsonGenerator json = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("n", node);
            json.writeNumberField("s", sequence);
            json.writeArrayFieldStart("i");
            for (Item item : items) {
                writeItem(json, item);
            }
            json.writeEndArray();
            if (leaving) {
                json.writeBooleanField("bye", true);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Whether {@code bytes} begins exactly as {@link #encode} begins a batch of this version by {@code node}: {@code
     * {"v":1,"n":<node>,"s":<whole number>,"i":[}, these fields in this order. A node hears its own publications back
     * from Redis and only needs to know that they arrived, not what they hold, so what follows is not read. Anything
     * else is false ({@link #decode} then says what it is), so a head that {@link #decode} could read otherwise (a field
     * given twice, another order) is never taken for this node's. What follows such a head could only be other than
     * items from a peer that can publish on the channel, which can forge any batch anyway: the channel must be kept to
     * Parley's nodes (README, "Running several nodes").
     */
    static boolean publishedBy(byte[] bytes, String node) {
        try (JsonParser json = FACTORY.createParser(bytes)) {
            return json.nextToken() == JsonToken.START_OBJECT
                    && "v".equals(json.nextFieldName()) && json.nextToken() == JsonToken.VALUE_NUMBER_INT
                    && json.getNumberType() == JsonParser.NumberType.INT && json.getIntValue() == VERSION
                    && "n".equals(json.nextFieldName()) && json.nextToken() == JsonToken.VALUE_STRING
                    && node.equals(json.getText())
                    && "s".equals(json.nextFieldName()) && json.nextToken() == JsonToken.VALUE_NUMBER_INT
                    && isWholeNumber(json)
                    && "i".equals(json.nextFieldName()) && json.nextToken() == JsonToken.START_ARRAY;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The batch in {@code bytes}, read in one pass of Jackson's streaming parser (no tree: about a third of the
     * allocation of reading a tree, on the receivers' thread of every node). The fields of a batch, an item and its
     * parts may come in any order, and fields this node does not know are skipped. A field of the batch, an item or a
     * message given twice counts as its last value (as in a tree); in a profile, a link or an attachment, a value given
     * twice that cannot be read makes the item unreadable even if the other could be (no build writes either). An item
     * that cannot be read (a field its kind reads that is null or of the wrong type, a value the domain refuses, an
     * unknown kind) is reported as {@link Unreadable} with the users who must catch up ({@code ItemFields.recipients}),
     * and the items after it are read. A field the item's kind does not read is never looked at, whatever it holds: a
     * later build may give it to another kind.
     *
     * @throws IllegalArgumentException when it is no batch at all (not JSON, no node, sequence or list of items, or
     *                                  anything after it) or of another version
     */
    static Batch decode(byte[] bytes) {
        try (JsonParser json = FACTORY.createParser(bytes)) {
            return readBatch(json);
        } catch (IOException | RuntimeException e) {
            if (e instanceof NoBatch noBatch) {
                throw noBatch;
            }
            throw new NoBatch("not a bus batch: " + e.getClass().getSimpleName());
        }
    }

    /** What {@link #decode} throws: the bytes are no batch this node reads. */
    private static final class NoBatch extends IllegalArgumentException {
        NoBatch(String message) {
            super(message);
        }
    }

    private static Batch readBatch(JsonParser json) throws IOException {
        if (json.nextToken() != JsonToken.START_OBJECT) {
            throw new NoBatch("not a bus batch");
        }
        int version = -1;
        String node = null;
        Long sequence = null;
        boolean itemsListed = false;
        boolean leaving = false;
        List<Item> items = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "v" -> version = isWholeNumber(json) && json.getNumberType() == JsonParser.NumberType.INT
                        ? json.getIntValue() : -1;
                case "n" -> node = value == JsonToken.VALUE_STRING ? json.getText() : null;
                case "s" -> sequence = isWholeNumber(json) ? json.getLongValue() : null;
                case "bye" -> leaving = value == JsonToken.VALUE_TRUE;
                case "i" -> {
                    items.clear();
                    unreadable.clear();
                    itemsListed = value == JsonToken.START_ARRAY;
                    if (itemsListed) {
                        readItems(json, items, unreadable);
                    }
                }
                default -> {
                }
            }
            json.skipChildren(); // the rest of an object or a list that was not read (nothing after a scalar or "i")
        }
        if (node == null || sequence == null || !itemsListed) {
            throw new NoBatch("not a bus batch");
        }
        if (json.nextToken() != null) {
            throw new NoBatch("not a bus batch: something after it");
        }
        if (version != VERSION) {
            throw new NoBatch(version < 0 ? "a bus batch without a version this node reads (" + VERSION + ")"
                    : "a bus batch of version " + version + ", this node reads " + VERSION);
        }
        return new Batch(version, node, sequence, items, unreadable, leaving);
    }

    private static void readItems(JsonParser json, List<Item> items, List<Unreadable> unreadable) throws IOException {
        JsonToken token;
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                json.skipChildren();
                unreadable.add(new Unreadable("?: not an object", List.of(), items.size()));
                continue;
            }
            ItemFields fields = new ItemFields();
            fields.read(json);
            try {
                items.add(fields.item());
            } catch (RuntimeException e) {
                String kind = fields.kind == null || fields.unread("k") ? "?" : fields.kind;
                unreadable.add(new Unreadable(loggable(kind + ": "
                        + (e instanceof IllegalArgumentException ? "" : e.getClass().getSimpleName() + ": ")
                        + e.getMessage()), fields.recipients(), items.size()));
            }
        }
    }

    private static void writeItem(JsonGenerator json, Item item) throws IOException {
        json.writeStartObject();
        if (item instanceof Event event) {
            event.event().accept(new EventWriter(json));
        } else if (item instanceof Repeated repeated) {
            RepeatedSend send = repeated.repeated();
            json.writeStringField("k", "rs");
            writeDeliveries(json, send.deliveries());
            json.writeNumberField("m", send.message().value());
            json.writeNumberField("t", send.thread().value());
            writeInstant(json, "at", send.storedAt());
        } else if (item instanceof UserChanged changed) {
            json.writeStringField("k", "u");
            json.writeStringField("u", changed.user().toString());
        } else if (item instanceof CatchUp catchUp) {
            json.writeStringField("k", "c");
            if (catchUp.all()) {
                json.writeBooleanField("all", true);
            } else {
                json.writeArrayFieldStart("u");
                for (UserId user : catchUp.users()) {
                    json.writeString(user.toString());
                }
                json.writeEndArray();
            }
            writeInstant(json, "b", catchUp.openedBefore());
        }
        json.writeEndObject();
    }

    /** Writes each kind of event's fields (a new kind of event does not compile until it is written here). */
    private record EventWriter(JsonGenerator json) implements OutboundEvent.Cases<Void> {

        @Override
        public Void messageStored(MessageStored event) {
            try {
                json.writeStringField("k", "m");
                writeDeliveries(json, event.deliveries());
                json.writeFieldName("m");
                writeMessage(json, event.message());
                if (event.clientMessageId().isPresent()) {
                    json.writeStringField("cid", event.clientMessageId().get().value());
                }
                if (event.attachedProfile().isPresent()) {
                    json.writeFieldName("p");
                    writeUser(json, event.attachedProfile().get());
                }
                if (event.attachmentLink().isPresent()) {
                    AttachmentLink link = event.attachmentLink().get();
                    json.writeObjectFieldStart("l");
                    json.writeNumberField("m", link.message().value());
                    json.writeStringField("k", link.storageKey());
                    json.writeNumberField("x", link.expiresEpochSecond());
                    json.writeStringField("s", link.signature());
                    json.writeEndObject();
                }
                if (event.position().known()) {
                    json.writeNumberField("pos", event.position().previous().map(MessageId::value).orElse(0L));
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Void messageSeen(MessageSeen event) {
            try {
                writeMessageSeen(json, event);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Void messageEdited(MessageEdited event) {
            writeChange(json, "e", event.deliveries(), event.message(), event.clientMessageId());
            return null;
        }

        @Override
        public Void messageDeleted(MessageDeleted event) {
            writeChange(json, "d", event.deliveries(), event.message(), event.clientMessageId());
            return null;
        }

        @Override
        public Void userTyping(UserTyping event) {
            try {
                json.writeStringField("k", "ty");
                writeDeliveries(json, event.deliveries());
                json.writeStringField("f", event.sender().toString());
                json.writeStringField("r", event.receiver().toString());
                writeInstant(json, "at", event.at());
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Void presenceChanged(PresenceChanged event) {
            try {
                json.writeStringField("k", "pr");
                writeDeliveries(json, event.deliveries());
                json.writeStringField("u", event.user().toString());
                json.writeBooleanField("on", event.online());
                if (event.lastSeen().isPresent()) {
                    writeInstant(json, "ls", event.lastSeen().get());
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A read marker: ids, the instant and the reader's {@code client_msg_id}; nothing to look up on arrival. */
    private static void writeMessageSeen(JsonGenerator json, MessageSeen event) throws IOException {
        json.writeStringField("k", "s");
        writeDeliveries(json, event.deliveries());
        json.writeNumberField("t", event.thread().value());
        json.writeStringField("u", event.reader().toString());
        json.writeNumberField("m", event.upTo().value());
        writeInstant(json, "at", event.at());
        if (event.clientMessageId().isPresent()) {
            json.writeStringField("cid", event.clientMessageId().get().value());
        }
    }

    /** An edit's or a deletion's item: its kind, its recipients, the message after the change, the request's id. */
    private static void writeChange(JsonGenerator json, String kind, List<Delivery> deliveries, Message message,
                                    Optional<ClientMessageId> clientMessageId) {
        try {
            json.writeStringField("k", kind);
            writeDeliveries(json, deliveries);
            json.writeFieldName("m");
            writeMessage(json, message);
            if (clientMessageId.isPresent()) {
                json.writeStringField("cid", clientMessageId.get().value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeDeliveries(JsonGenerator json, List<Delivery> deliveries) throws IOException {
        json.writeArrayFieldStart("to");
        for (Delivery delivery : deliveries) {
            json.writeStartArray();
            json.writeString(delivery.recipient().toString());
            json.writeString(delivery.audience() == Audience.RECEIVER ? "r" : "s");
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    private static void writeMessage(JsonGenerator json, Message message) throws IOException {
        json.writeStartObject();
        json.writeNumberField("id", message.id().value());
        json.writeNumberField("t", message.threadId().value());
        json.writeStringField("f", message.sender().toString());
        json.writeStringField("r", message.receiver().toString());
        MessageContent content = message.content();
        if (content instanceof MessageContent.Text text) {
            json.writeStringField("x", "text");
            json.writeStringField("b", text.body());
        } else if (content instanceof MessageContent.File file) {
            json.writeStringField("x", "file");
            if (file.caption() != null) {
                json.writeStringField("b", file.caption());
            }
            Attachment attachment = file.attachment();
            json.writeObjectFieldStart("a");
            json.writeStringField("k", attachment.storageKey());
            json.writeStringField("n", attachment.fileName());
            json.writeNumberField("z", attachment.sizeBytes());
            json.writeStringField("ct", attachment.contentType());
            json.writeEndObject();
        } else if (content instanceof MessageContent.ProfileShare share) {
            json.writeStringField("x", "profile");
            json.writeStringField("u", share.profile().toString());
        } else if (content instanceof MessageContent.Deleted deleted) {
            json.writeStringField("x", "deleted");
            json.writeStringField("was", deleted.type().name());
        }
        if (message.edited()) {
            json.writeBooleanField("ed", true);
        }
        writeInstant(json, "ca", message.createdAt());
        writeInstant(json, "ua", message.updatedAt());
        json.writeEndObject();
    }

    private static void writeUser(JsonGenerator json, User user) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", user.id().toString());
        json.writeStringField("e", user.email().value());
        UserProfile profile = user.profile();
        json.writeStringField("fn", profile.fullname());
        writeOptional(json, "ph", profile.phoneNumber());
        writeOptional(json, "cc", profile.countryCode());
        writeOptional(json, "g", profile.gender());
        writeOptional(json, "dob", profile.dateOfBirth() == null ? null : profile.dateOfBirth().toString());
        writeOptional(json, "pp", profile.profilePhoto());
        AccountStatus status = user.status();
        json.writeArrayFieldStart("st");
        json.writeString(status.accountType());
        for (boolean flag : new boolean[] {status.active(), status.emailVerified(), status.phoneVerified(),
                status.profileComplete(), status.staff(), status.admin(), status.superuser()}) {
            json.writeBoolean(flag);
        }
        json.writeEndArray();
        if (user.lastLogin() != null) {
            writeInstant(json, "ll", user.lastLogin());
        }
        writeInstant(json, "ca", user.createdAt());
        writeInstant(json, "ua", user.updatedAt());
        json.writeEndObject();
    }

    private static void writeOptional(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static void writeInstant(JsonGenerator json, String field, Instant instant) throws IOException {
        json.writeArrayFieldStart(field);
        json.writeNumber(instant.getEpochSecond());
        json.writeNumber(instant.getNano());
        json.writeEndArray();
    }

    // ---- reading ----

    /**
     * One item's fields as read, in whatever order they come; {@link #item} makes the item its kind says once all are
     * read. A field that cannot be read is kept in {@link #failures} and the rest of the item is still read, so that its
     * recipients are known; the failure counts only if the kind reads that field.
     */
    private static final class ItemFields {
        String kind;
        /** {@code "to"}: user, audience, user, audience, … (an audience may be null: not text). */
        List<String> to;
        /** {@code "m"} as an object: a message. */
        Message message;
        /** {@code "m"} as a number: a read marker's message id. */
        Long messageNumber;
        String clientMessageId;
        User profile;
        AttachmentLink link;
        Long position;
        Long thread;
        /** {@code "u"} as text. */
        String user;
        /** {@code "u"} as a list. */
        List<String> users;
        String sender;
        String receiver;
        Instant at;
        Instant before;
        Instant lastSeen;
        Boolean online;
        Boolean all;
        /** Why each field that could not be read (its last value) could not; null while every field could be. */
        Map<String, RuntimeException> failures;

        /** Reads the fields up to the item's end, the parser on its {@code START_OBJECT}. */
        void read(JsonParser json) throws IOException {
            JsonStreamContext item = json.getParsingContext();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                try {
                    readField(json, field);
                    if (failures != null) {
                        failures.remove(field);
                    }
                } catch (RuntimeException e) {
                    failures = failed(failures, field, e);
                    skipTo(json, item);
                }
            }
        }

        private void readField(JsonParser json, String field) throws IOException {
            switch (field) {
                case "k" -> kind = text(json, field);
                case "to" -> to = deliveryPairs(json);
                case "m" -> {
                    message = null;
                    messageNumber = null;
                    if (json.currentToken() == JsonToken.START_OBJECT) {
                        message = readMessage(json);
                    } else {
                        messageNumber = number(json, field);
                    }
                }
                case "cid" -> clientMessageId = text(json, field);
                case "p" -> profile = readUser(json);
                case "l" -> link = readLink(json);
                case "pos" -> position = number(json, field);
                case "t" -> thread = number(json, field);
                case "u" -> {
                    user = null;
                    users = null;
                    if (json.currentToken() == JsonToken.START_ARRAY) {
                        users = texts(json, field);
                    } else {
                        user = text(json, field);
                    }
                }
                case "f" -> sender = text(json, field);
                case "r" -> receiver = text(json, field);
                case "at" -> at = instant(json, field);
                case "b" -> before = instant(json, field);
                case "ls" -> lastSeen = instant(json, field);
                case "on" -> online = bool(json, field);
                case "all" -> all = bool(json, field);
                default -> json.skipChildren();
            }
        }

        /** Whether {@code field}'s last value could not be read. */
        boolean unread(String field) {
            return failures != null && failures.containsKey(field);
        }

        /** The item its kind says, from the fields that kind reads. */
        Item item() {
            String k = required(failures, kind, "k");
            return switch (k) {
                case "m" -> new Event(new MessageStored(required(failures, message, "m"), deliveries(),
                        clientMessageId(), Optional.ofNullable(checked(failures, profile, "p")),
                        Optional.ofNullable(checked(failures, link, "l")), position()));
                case "ty" -> new Event(new UserTyping(userId(failures, sender, "f"), userId(failures, receiver, "r"),
                        required(failures, at, "at"), deliveries()));
                case "pr" -> new Event(new PresenceChanged(userId(failures, user, "u"), required(failures, online, "on"),
                        Optional.ofNullable(checked(failures, lastSeen, "ls")), deliveries()));
                case "s" -> new Event(new MessageSeen(new ThreadId(required(failures, thread, "t")),
                        userId(failures, user, "u"), new MessageId(required(failures, messageNumber, "m")),
                        required(failures, at, "at"), deliveries(), clientMessageId()));
                case "e" -> new Event(new MessageEdited(required(failures, message, "m"), deliveries(),
                        clientMessageId()));
                case "d" -> new Event(new MessageDeleted(required(failures, message, "m"), deliveries(),
                        clientMessageId()));
                case "rs" -> new Repeated(new RepeatedSend(new MessageId(required(failures, messageNumber, "m")),
                        new ThreadId(required(failures, thread, "t")), deliveries(), required(failures, at, "at")));
                case "u" -> new UserChanged(userId(failures, user, "u"));
                case "c" -> catchUp();
                default -> throw new IllegalArgumentException("unknown kind of item '" + k + "'");
            };
        }

        /** Everyone's connections ({@code "all":true}) or those of the users {@code "u"} lists, nobody else's. */
        private CatchUp catchUp() {
            Instant openedBefore = required(failures, before, "b");
            if (Boolean.TRUE.equals(checked(failures, all, "all"))) {
                return new CatchUp(List.of(), true, openedBefore);
            }
            checked(failures, user, "u");
            if (users == null) {
                throw new IllegalArgumentException("a catch-up names neither \"all\" nor a list of users");
            }
            return new CatchUp(userIds(users), false, openedBefore);
        }

        /** The users a catch-up lists, when it is sure to list only them; else none (so everyone). */
        private List<UserId> listedForCatchUp() {
            if (users == null || unread("u") || unread("all") || Boolean.TRUE.equals(all)) {
                return List.of();
            }
            try {
                return userIds(users);
            } catch (RuntimeException unreadable) {
                return List.of();
            }
        }

        private List<Delivery> deliveries() {
            List<String> pairs = required(failures, to, "to");
            List<Delivery> deliveries = new ArrayList<>(pairs.size() / 2);
            for (int i = 0; i < pairs.size(); i += 2) {
                String audience = pairs.get(i + 1);
                deliveries.add(new Delivery(userId(pairs.get(i), "to"), switch (audience == null ? "" : audience) {
                    case "r" -> Audience.RECEIVER;
                    case "s" -> Audience.SENDER;
                    default -> throw new IllegalArgumentException("unknown audience '" + audience + "'");
                }));
            }
            return deliveries;
        }

        /**
         * Whose connections are to catch up when this item cannot be read: for an event (or an item of a kind a later
         * build added), the users {@code "to"} names, whatever their audiences say; for a catch-up, the users it lists;
         * none (so everyone) when those cannot be read, for a user's change, and when the kind cannot be read.
         */
        List<UserId> recipients() {
            if (kind == null || unread("k") || "u".equals(kind)) {
                return List.of();
            }
            if ("c".equals(kind)) {
                return listedForCatchUp();
            }
            if (to == null || unread("to")) {
                return List.of();
            }
            try {
                List<UserId> recipients = new ArrayList<>(to.size() / 2);
                for (int i = 0; i < to.size(); i += 2) {
                    recipients.add(UserId.parse(to.get(i)));
                }
                return recipients;
            } catch (RuntimeException unreadable) {
                return List.of();
            }
        }

        private Optional<ClientMessageId> clientMessageId() {
            String value = checked(failures, clientMessageId, "cid");
            return value == null ? Optional.empty() : Optional.of(new ClientMessageId(value));
        }

        private ThreadPosition position() {
            if (checked(failures, position, "pos") == null) {
                return ThreadPosition.unknown();
            }
            return position == 0 ? ThreadPosition.first() : ThreadPosition.after(new MessageId(position));
        }
    }

    /**
     * {@code [[user, audience], …]} as user, audience, …; an audience that is not text is kept as null (the item is then
     * unreadable, but its recipients are known).
     */
    private static List<String> deliveryPairs(JsonParser json) throws IOException {
        expect(json, JsonToken.START_ARRAY, "to");
        List<String> pairs = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
            expect(json, JsonToken.START_ARRAY, "to");
            json.nextToken();
            pairs.add(text(json, "to"));
            JsonToken audience = json.nextToken();
            if (audience == JsonToken.END_ARRAY) {
                throw new FieldUnreadable("a delivery in 'to' is not [user, audience]");
            }
            pairs.add(audience == JsonToken.VALUE_STRING ? json.getText() : null);
            json.skipChildren();
            if (json.nextToken() != JsonToken.END_ARRAY) {
                throw new FieldUnreadable("a delivery in 'to' is not [user, audience]");
            }
        }
        return pairs;
    }

    /**
     * A message, the parser on its {@code START_OBJECT}: as for an item, a field its content does not read (a text's
     * {@code "a"}, say) is never looked at.
     */
    private static Message readMessage(JsonParser json) throws IOException {
        JsonStreamContext object = json.getParsingContext();
        Map<String, RuntimeException> failures = null;
        Long id = null;
        Long thread = null;
        String sender = null;
        String receiver = null;
        String kind = null;
        String body = null;
        String shared = null;
        String was = null;
        Attachment attachment = null;
        Boolean edited = null;
        Instant created = null;
        Instant updated = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            try {
                switch (field) {
                    case "id" -> id = number(json, field);
                    case "t" -> thread = number(json, field);
                    case "f" -> sender = text(json, field);
                    case "r" -> receiver = text(json, field);
                    case "x" -> kind = text(json, field);
                    case "b" -> body = text(json, field);
                    case "u" -> shared = text(json, field);
                    case "was" -> was = text(json, field);
                    case "a" -> attachment = readAttachment(json);
                    case "ed" -> edited = bool(json, field);
                    case "ca" -> created = instant(json, field);
                    case "ua" -> updated = instant(json, field);
                    default -> json.skipChildren();
                }
                if (failures != null) {
                    failures.remove(field);
                }
            } catch (RuntimeException e) {
                failures = failed(failures, field, e);
                skipTo(json, object);
            }
        }
        MessageId messageId = new MessageId(required(failures, id, "id"));
        ThreadId threadId = new ThreadId(required(failures, thread, "t"));
        UserId from = userId(failures, sender, "f");
        UserId to = userId(failures, receiver, "r");
        String contentKind = required(failures, kind, "x");
        MessageContent content = switch (contentKind) {
            case "text" -> new MessageContent.Text(required(failures, body, "b"));
            case "file" -> new MessageContent.File(checked(failures, body, "b"), required(failures, attachment, "a"));
            case "profile" -> new MessageContent.ProfileShare(userId(failures, shared, "u"));
            case "deleted" -> new MessageContent.Deleted(MessageType.valueOf(required(failures, was, "was")));
            default -> throw new IllegalArgumentException("unknown content '" + contentKind + "'");
        };
        return new Message(messageId, threadId, from, to, content, required(failures, created, "ca"),
                required(failures, updated, "ua"), Boolean.TRUE.equals(checked(failures, edited, "ed")));
    }

    private static Attachment readAttachment(JsonParser json) throws IOException {
        expect(json, JsonToken.START_OBJECT, "a");
        String key = null;
        String name = null;
        Long size = null;
        String type = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "k" -> key = text(json, field);
                case "n" -> name = text(json, field);
                case "z" -> size = number(json, field);
                case "ct" -> type = text(json, field);
                default -> json.skipChildren();
            }
        }
        return new Attachment(required(key, "k"), required(name, "n"), required(size, "z"), required(type, "ct"));
    }

    private static AttachmentLink readLink(JsonParser json) throws IOException {
        expect(json, JsonToken.START_OBJECT, "l");
        Long message = null;
        String key = null;
        Long expires = null;
        String signature = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "m" -> message = number(json, field);
                case "k" -> key = text(json, field);
                case "x" -> expires = number(json, field);
                case "s" -> signature = text(json, field);
                default -> json.skipChildren();
            }
        }
        return new AttachmentLink(new MessageId(required(message, "m")), required(key, "k"), required(expires, "x"),
                required(signature, "s"));
    }

    private static User readUser(JsonParser json) throws IOException {
        expect(json, JsonToken.START_OBJECT, "p");
        String id = null;
        String email = null;
        String fullname = null;
        String phone = null;
        String country = null;
        String gender = null;
        String birth = null;
        String photo = null;
        AccountStatus status = null;
        Instant lastLogin = null;
        Instant created = null;
        Instant updated = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "id" -> id = text(json, field);
                case "e" -> email = text(json, field);
                case "fn" -> fullname = text(json, field);
                case "ph" -> phone = text(json, field);
                case "cc" -> country = text(json, field);
                case "g" -> gender = text(json, field);
                case "dob" -> birth = text(json, field);
                case "pp" -> photo = text(json, field);
                case "st" -> status = readStatus(json);
                case "ll" -> lastLogin = instant(json, field);
                case "ca" -> created = instant(json, field);
                case "ua" -> updated = instant(json, field);
                default -> json.skipChildren();
            }
        }
        UserProfile profile = new UserProfile(required(fullname, "fn"), phone, country, gender,
                birth == null ? null : LocalDate.parse(birth), photo);
        return new User(userId(id, "id"), new EmailAddress(required(email, "e")), profile, required(status, "st"),
                lastLogin, required(created, "ca"), required(updated, "ua"));
    }

    /** {@code [account type, active, email verified, phone verified, profile complete, staff, admin, superuser]}. */
    private static AccountStatus readStatus(JsonParser json) throws IOException {
        expect(json, JsonToken.START_ARRAY, "st");
        json.nextToken();
        String accountType = text(json, "st");
        boolean[] flags = new boolean[7];
        for (int i = 0; i < flags.length; i++) {
            json.nextToken();
            flags[i] = bool(json, "st");
        }
        expect(json.nextToken(), JsonToken.END_ARRAY, "st");
        return new AccountStatus(accountType, flags[0], flags[1], flags[2], flags[3], flags[4], flags[5], flags[6]);
    }

    private static List<String> texts(JsonParser json, String field) throws IOException {
        List<String> texts = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
            texts.add(text(json, field));
        }
        return texts;
    }

    private static List<UserId> userIds(List<String> texts) {
        List<UserId> users = new ArrayList<>(texts.size());
        for (String text : texts) {
            users.add(UserId.parse(text));
        }
        return users;
    }

    /** Moves the parser on until it is back in {@code context} (past the rest of a value that could not be read). */
    private static void skipTo(JsonParser json, JsonStreamContext context) throws IOException {
        while (json.getParsingContext() != context) {
            if (json.nextToken() == null) {
                throw new NoBatch("not a bus batch: cut short");
            }
        }
    }

    private static void expect(JsonParser json, JsonToken token, String field) {
        expect(json.currentToken(), token, field);
    }

    private static void expect(JsonToken actual, JsonToken token, String field) {
        if (actual != token) {
            throw notA(actual, field, token == JsonToken.START_OBJECT ? "an object" : "a list");
        }
    }

    /**
     * {@code reason} fit for one log line: a peer's text (a kind, an audience) may hold anything, so control characters
     * become {@code ?} and it is cut at 200 characters.
     */
    private static String loggable(String reason) {
        StringBuilder line = new StringBuilder(Math.min(reason.length(), 201));
        for (int i = 0; i < reason.length() && line.length() < 200; i++) {
            char c = reason.charAt(i);
            line.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return reason.length() > 200 ? line.append('…').toString() : line.toString();
    }

    /** Why a value is not what {@code field} holds: null (written by no build) or of another type. */
    private static IllegalArgumentException notA(JsonToken actual, String field, String expected) {
        return new FieldUnreadable("'" + field + "' is " + (actual == JsonToken.VALUE_NULL ? "null" : "not "
                + expected));
    }

    /**
     * A value of the wrong type: reported, never traced (an item of many such fields would otherwise cost a stack trace
     * each on the receivers' thread).
     */
    private static final class FieldUnreadable extends IllegalArgumentException {
        FieldUnreadable(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static boolean isWholeNumber(JsonParser json) throws IOException {
        return json.currentToken() == JsonToken.VALUE_NUMBER_INT
                && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    }

    private static long number(JsonParser json, String field) throws IOException {
        if (!isWholeNumber(json)) {
            throw notA(json.currentToken(), field, "a whole number");
        }
        return json.getLongValue();
    }

    private static String text(JsonParser json, String field) throws IOException {
        if (json.currentToken() != JsonToken.VALUE_STRING) {
            throw notA(json.currentToken(), field, "text");
        }
        return json.getText();
    }

    private static boolean bool(JsonParser json, String field) {
        JsonToken token = json.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        throw notA(token, field, "true or false");
    }

    /** {@code [epoch second, nano]}. */
    private static Instant instant(JsonParser json, String field) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY) {
            throw notA(json.currentToken(), field, "an instant");
        }
        json.nextToken();
        long second = number(json, field);
        json.nextToken();
        long nano = number(json, field);
        if (json.nextToken() != JsonToken.END_ARRAY) {
            throw new FieldUnreadable("'" + field + "' is not an instant");
        }
        return Instant.ofEpochSecond(second, nano);
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new FieldUnreadable("missing '" + field + "'");
        }
        return value;
    }

    private static UserId userId(String text, String field) {
        return UserId.parse(required(text, field));
    }

    /** {@code failures} with {@code field}'s (made when it is null: most objects have none). */
    private static Map<String, RuntimeException> failed(Map<String, RuntimeException> failures, String field,
                                                        RuntimeException failure) {
        Map<String, RuntimeException> known = failures == null ? new HashMap<>(4) : failures;
        known.put(field, failure);
        return known;
    }

    /** The value read for {@code field} (null when absent); throws why it could not be read, if it could not. */
    private static <T> T checked(Map<String, RuntimeException> failures, T value, String field) {
        if (failures != null) {
            RuntimeException failure = failures.get(field);
            if (failure != null) {
                throw failure;
            }
        }
        return value;
    }

    private static <T> T required(Map<String, RuntimeException> failures, T value, String field) {
        return required(checked(failures, value, field), field);
    }

    private static UserId userId(Map<String, RuntimeException> failures, String text, String field) {
        return UserId.parse(required(failures, text, field));
    }
}
