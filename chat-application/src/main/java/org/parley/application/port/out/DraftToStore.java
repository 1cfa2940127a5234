package org.parley.application.port.out;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.MessageDraft;
import org.parley.domain.delivery.ClientMessageId;

/**
 * A draft handed to storage, with the {@code client_msg_id} its sender gave the request that sends it, when there was
 * one (contract §14: idempotent sending). Storage stores a draft whose sender already stored a message with the same
 * {@code client_msg_id} not again, and answers with that original message instead ({@link AppendedMessage#repeat()}).
 *
 * @param draft           the message to store
 * @param clientMessageId the sender's id for the request; empty when the request carried none (then the draft is
 *                        always stored, and costs storage nothing more than before)
 */
public record DraftToStore(MessageDraft draft, Optional<ClientMessageId> clientMessageId) {

    public DraftToStore {
        Objects.requireNonNull(draft, "draft");
        Objects.requireNonNull(clientMessageId, "clientMessageId");
    }

    /** A draft stored whatever its sender sent before (an upload, which carries no {@code client_msg_id}). */
    public static DraftToStore always(MessageDraft draft) {
        return new DraftToStore(draft, Optional.empty());
    }
}
