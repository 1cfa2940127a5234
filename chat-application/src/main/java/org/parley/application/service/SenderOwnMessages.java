package org.parley.application.service;

import java.util.List;
import java.util.Map;

import org.parley.application.error.NotFound;
import org.parley.application.port.in.ChangedMessage;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** What editing and deleting share (contract §12): only a message's sender may change it; to anyone else it is not. */
final class SenderOwnMessages {

    private SenderOwnMessages() {
    }

    /** @throws NotFound when {@code id} names no message, or one {@code caller} did not send */
    static Message sentBy(MessageRepository messages, UserId caller, MessageId id) {
        return messages.findById(id)
                .filter(found -> found.sender().equals(caller))
                .orElseThrow(() -> new NotFound("No message with this id was sent by you"));
    }

    /** The answer to a change of {@code changed}: it, its sender and receiver, and whether it was seen. */
    static ChangedMessage answer(UserAccounts users, ReadMarkerRepository readMarkers, Message changed) {
        Map<UserId, User> people = users.findAllById(List.of(changed.sender(), changed.receiver()));
        return new ChangedMessage(changed, people, readMarkers.findIn(changed.threadId()).seen(changed));
    }
}
