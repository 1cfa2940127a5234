package org.parley.adapter.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
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
 *   <li>{@code {"k":"u","u":user}}: a user's account changed;</li>
 *   <li>{@code {"k":"c","u":[user, …],"b":instant}} or {@code {"k":"c","all":true,"b":instant}}: these users'
 *       (everyone's) connections opened before the instant may have missed frames of the sending node, and are closed
 *       to catch up.</li>
 * </ul>
 * Instants are {@code [epoch second, nano]}, exact. A batch of another version, or an item of an unknown kind, is
 * reported as {@link Unreadable}; an item whose event cannot be read keeps its recipients when they can be, so that
 * they can be told to catch up.
 */
final class BusCodec {

    static final int VERSION = 1;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper(FACTORY);

    /** What a node publishes, one item at a time. */
    sealed interface Item permits Event, UserChanged, CatchUp {
    }

    /** A stored message's (or any outbound) event. */
    record Event(OutboundEvent event) implements Item {
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

    /** A batch as received. */
    record Batch(int version, String node, long sequence, List<Item> items, List<Unreadable> unreadable) {
    }

    /** An item that could not be read, with the recipients it names when they could be read. */
    record Unreadable(String reason, List<UserId> recipients) {
    }

    private BusCodec() {
    }

    static byte[] encode(String node, long sequence, List<Item> items) {
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
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Whether {@code bytes} is a batch of this version published by {@code node}, read from its head only (the fields
     * before its items, which {@link #encode} writes first): a node hears its own publications back from Redis and only
     * needs to know that they arrived, not what they hold. False for anything else, including what is no batch at all
     * ({@link #decode} then says what it is).
     */
    static boolean publishedBy(byte[] bytes, String node) {
        try (JsonParser json = FACTORY.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            int version = -1;
            String publisher = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("v".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    version = json.getIntValue();
                } else if ("n".equals(field) && value == JsonToken.VALUE_STRING) {
                    publisher = json.getText();
                } else if (value.isStructStart()) {
                    break;
                }
                if (version >= 0 && publisher != null) {
                    return version == VERSION && publisher.equals(node);
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The batch in {@code bytes}.
     *
     * @throws IllegalArgumentException when it is no batch at all (not JSON, no node or sequence) or of another version
     */
    static Batch decode(byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a bus batch: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject() || !root.path("n").isTextual() || !root.path("s").canConvertToLong()) {
            throw new IllegalArgumentException("not a bus batch");
        }
        int version = root.path("v").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("a bus batch of version " + version + ", this node reads " + VERSION);
        }
        List<Item> items = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        for (JsonNode item : root.path("i")) {
            try {
                items.add(readItem(item));
            } catch (RuntimeException e) {
                unreadable.add(new Unreadable(item.path("k").asText("?") + ": " + e.getClass().getSimpleName()
                        + ": " + e.getMessage(), recipientsOf(item)));
            }
        }
        return new Batch(version, root.get("n").asText(), root.get("s").asLong(), items, unreadable);
    }

    private static void writeItem(JsonGenerator json, Item item) throws IOException {
        json.writeStartObject();
        if (item instanceof Event event) {
            event.event().accept(new EventWriter(json));
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

    private static MessageSeen readMessageSeen(JsonNode item) {
        return new MessageSeen(new ThreadId(number(item, "t")), userId(item, "u"), new MessageId(number(item, "m")),
                instant(item, "at"), readDeliveries(item), readClientMessageId(item));
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

    private static Item readItem(JsonNode item) {
        String kind = text(item, "k");
        return switch (kind) {
            case "m" -> new Event(readMessageStored(item));
            case "ty" -> new Event(new UserTyping(userId(item, "f"), userId(item, "r"), instant(item, "at"),
                    readDeliveries(item)));
            case "pr" -> new Event(new PresenceChanged(userId(item, "u"), required(item, "on").asBoolean(),
                    item.has("ls") ? Optional.of(instant(item, "ls")) : Optional.empty(), readDeliveries(item)));
            case "s" -> new Event(readMessageSeen(item));
            case "e" -> new Event(new MessageEdited(readMessage(required(item, "m")), readDeliveries(item),
                    readClientMessageId(item)));
            case "d" -> new Event(new MessageDeleted(readMessage(required(item, "m")), readDeliveries(item),
                    readClientMessageId(item)));
            case "u" -> new UserChanged(userId(item, "u"));
            case "c" -> item.path("all").asBoolean(false)
                    ? new CatchUp(List.of(), true, instant(item, "b"))
                    : new CatchUp(userIds(item.path("u")), false, instant(item, "b"));
            default -> throw new IllegalArgumentException("unknown kind of item '" + kind + "'");
        };
    }

    private static List<Delivery> readDeliveries(JsonNode item) {
        List<Delivery> deliveries = new ArrayList<>();
        for (JsonNode delivery : required(item, "to")) {
            String audience = delivery.path(1).asText();
            deliveries.add(new Delivery(UserId.parse(delivery.path(0).asText()), switch (audience) {
                case "r" -> Audience.RECEIVER;
                case "s" -> Audience.SENDER;
                default -> throw new IllegalArgumentException("unknown audience '" + audience + "'");
            }));
        }
        return deliveries;
    }

    private static Optional<ClientMessageId> readClientMessageId(JsonNode item) {
        return item.has("cid") ? Optional.of(new ClientMessageId(text(item, "cid"))) : Optional.empty();
    }

    private static MessageStored readMessageStored(JsonNode item) {
        List<Delivery> deliveries = readDeliveries(item);
        Message message = readMessage(required(item, "m"));
        Optional<ClientMessageId> clientMessageId = readClientMessageId(item);
        Optional<User> profile = item.has("p") ? Optional.of(readUser(item.get("p"))) : Optional.empty();
        Optional<AttachmentLink> link = Optional.empty();
        if (item.has("l")) {
            JsonNode l = item.get("l");
            link = Optional.of(new AttachmentLink(new MessageId(number(l, "m")), text(l, "k"), number(l, "x"),
                    text(l, "s")));
        }
        ThreadPosition position = ThreadPosition.unknown();
        if (item.has("pos")) {
            long previous = number(item, "pos");
            position = previous == 0 ? ThreadPosition.first() : ThreadPosition.after(new MessageId(previous));
        }
        return new MessageStored(message, deliveries, clientMessageId, profile, link, position);
    }

    private static Message readMessage(JsonNode m) {
        String kind = text(m, "x");
        MessageContent content = switch (kind) {
            case "text" -> new MessageContent.Text(text(m, "b"));
            case "file" -> {
                JsonNode a = required(m, "a");
                yield new MessageContent.File(m.has("b") ? text(m, "b") : null,
                        new Attachment(text(a, "k"), text(a, "n"), number(a, "z"), text(a, "ct")));
            }
            case "profile" -> new MessageContent.ProfileShare(userId(m, "u"));
            case "deleted" -> new MessageContent.Deleted(MessageType.valueOf(text(m, "was")));
            default -> throw new IllegalArgumentException("unknown content '" + kind + "'");
        };
        return new Message(new MessageId(number(m, "id")), new ThreadId(number(m, "t")), userId(m, "f"),
                userId(m, "r"), content, instant(m, "ca"), instant(m, "ua"), m.path("ed").asBoolean(false));
    }

    private static User readUser(JsonNode u) {
        UserProfile profile = new UserProfile(text(u, "fn"), optional(u, "ph"), optional(u, "cc"), optional(u, "g"),
                u.has("dob") ? LocalDate.parse(text(u, "dob")) : null, optional(u, "pp"));
        JsonNode st = required(u, "st");
        AccountStatus status = new AccountStatus(st.path(0).asText(), st.path(1).asBoolean(), st.path(2).asBoolean(),
                st.path(3).asBoolean(), st.path(4).asBoolean(), st.path(5).asBoolean(), st.path(6).asBoolean(),
                st.path(7).asBoolean());
        return new User(userId(u, "id"), new EmailAddress(text(u, "e")), profile, status,
                u.has("ll") ? instant(u, "ll") : null, instant(u, "ca"), instant(u, "ua"));
    }

    private static List<UserId> recipientsOf(JsonNode item) {
        try {
            List<UserId> recipients = new ArrayList<>();
            for (JsonNode delivery : item.path("to")) {
                recipients.add(UserId.parse(delivery.path(0).asText()));
            }
            return recipients;
        } catch (RuntimeException unreadable) {
            return List.of();
        }
    }

    private static List<UserId> userIds(JsonNode array) {
        List<UserId> users = new ArrayList<>();
        for (JsonNode user : array) {
            users.add(UserId.parse(user.asText()));
        }
        return users;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is not text");
        }
        return value.asText();
    }

    private static String optional(JsonNode node, String field) {
        return node.has(field) ? text(node, field) : null;
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' is not a whole number");
        }
        return value.asLong();
    }

    private static UserId userId(JsonNode node, String field) {
        return UserId.parse(text(node, field));
    }

    private static Instant instant(JsonNode node, String field) {
        JsonNode value = required(node, field);
        return Instant.ofEpochSecond(value.path(0).asLong(), value.path(1).asLong());
    }
}
