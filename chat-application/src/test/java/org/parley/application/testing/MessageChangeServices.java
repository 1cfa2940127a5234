package org.parley.application.testing;

import java.util.Objects;

import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.service.DeleteMessageService;
import org.parley.application.service.EditMessageService;
import org.parley.domain.chat.MessageRules;

/**
 * Builds {@link EditMessageService} and {@link DeleteMessageService} for tests (contract §12): on the ports given,
 * with the default {@link MessageRules}, an unlimited {@link SendBudget}, an {@link InMemoryAttachmentStore} on the
 * same clock and no webhook events, unless a test says otherwise. Each setter returns a new builder.
 */
public record MessageChangeServices(MessageRepository messages, UserAccounts users, EventDelivery delivery,
                                    TimeSource time, ReadMarkerRepository readMarkers, MessageRules rules,
                                    SendBudget budget, AttachmentStore store, boolean recordWebhookEvents) {

    public MessageChangeServices {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(readMarkers, "readMarkers");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(store, "store");
    }

    /** The services on these ports, with the test defaults. */
    public static MessageChangeServices on(MessageRepository messages, UserAccounts users, EventDelivery delivery,
                                           TimeSource time, ReadMarkerRepository readMarkers) {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, MessageRules.defaults(),
                SendBudget.unlimited(), new InMemoryAttachmentStore(time), false);
    }

    /** The same, on the in-memory storage's messages, users and read markers. */
    public static MessageChangeServices on(ChatStorage storage, EventDelivery delivery, TimeSource time) {
        return on(storage.messages(), storage.users(), delivery, time,
                new InMemoryReadMarkerRepository(storage.threads(), storage.messages()));
    }

    public MessageChangeServices withMessages(MessageRepository messages) {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, rules, budget, store,
                recordWebhookEvents);
    }

    public MessageChangeServices withRules(MessageRules rules) {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, rules, budget, store,
                recordWebhookEvents);
    }

    public MessageChangeServices withBudget(SendBudget budget) {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, rules, budget, store,
                recordWebhookEvents);
    }

    public MessageChangeServices withStore(AttachmentStore store) {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, rules, budget, store,
                recordWebhookEvents);
    }

    /** Each edit and deletion also records its webhook event (contract §15), as with a webhook configured. */
    public MessageChangeServices recordingWebhookEvents() {
        return new MessageChangeServices(messages, users, delivery, time, readMarkers, rules, budget, store, true);
    }

    public EditMessageService edit() {
        return new EditMessageService(messages, users, delivery, rules, time, budget, readMarkers,
                recordWebhookEvents);
    }

    public DeleteMessageService delete() {
        return new DeleteMessageService(messages, users, delivery, store, time, budget, readMarkers,
                recordWebhookEvents);
    }
}
