package org.parley.bootstrap;

import java.util.Objects;

import org.parley.application.port.out.AttachmentLinkSigner;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.ContentTypes;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.Tokens;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserChanges;
import org.parley.application.port.out.WebhookOutbox;

/**
 * Every driven port of the application, each with the adapter chosen for it ({@link Parley#start}'s first step). The
 * use cases are built from these alone, so choosing another adapter for a port changes nothing after this record.
 * {@code webhookOutbox} is the database's outbox with {@code PARLEY_WEBHOOK_URL}, {@link WebhookOutbox#none()}
 * without: a use case that changes a message records its event there either way (contract §15).
 */
record DrivenPorts(
        UserAccounts users,
        ThreadRepository threads,
        MessageRepository messages,
        ReadMarkerRepository readMarkers,
        AttachmentStore attachments,
        ContentTypes contentTypes,
        PasswordHasher hasher,
        Tokens tokens,
        AttachmentLinkSigner linkSigner,
        TimeSource time,
        EventDelivery delivery,
        UserChanges userChanges,
        SendBudget sendBudget,
        LogInAttempts logInAttempts,
        WebhookOutbox webhookOutbox) {

    DrivenPorts {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(readMarkers, "readMarkers");
        Objects.requireNonNull(attachments, "attachments");
        Objects.requireNonNull(contentTypes, "contentTypes");
        Objects.requireNonNull(hasher, "hasher");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(linkSigner, "linkSigner");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(userChanges, "userChanges");
        Objects.requireNonNull(sendBudget, "sendBudget");
        Objects.requireNonNull(logInAttempts, "logInAttempts");
        Objects.requireNonNull(webhookOutbox, "webhookOutbox");
    }
}
