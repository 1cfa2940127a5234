package org.parley.application.service;

import java.util.Objects;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.application.port.out.AttachmentLinkSigner;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;

/** A valid, unexpired signature opens the file to anyone holding the link; a participant needs none. */
public final class DownloadAttachmentService implements DownloadAttachment {

    private final MessageRepository messages;
    private final AttachmentStore store;
    private final AttachmentLinkSigner signer;
    private final TimeSource time;

    public DownloadAttachmentService(MessageRepository messages, AttachmentStore store, AttachmentLinkSigner signer,
                                     TimeSource time) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.store = Objects.requireNonNull(store, "store");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public Download download(Query query) {
        Message message = messages.findById(query.message()).orElseThrow(DownloadAttachmentService::notFound);
        if (!(message.content() instanceof MessageContent.File file)
                || !file.attachment().storageKey().equals(query.storageKey())) {
            throw notFound();
        }
        boolean participant = query.caller().map(message::involves).orElse(false);
        if (!participant && !validSignature(query)) {
            throw notFound();
        }
        Attachment attachment = file.attachment();
        return new Download(attachment,
                offset -> store.open(attachment.storageKey(), offset).orElseThrow(DownloadAttachmentService::notFound));
    }

    private boolean validSignature(Query query) {
        if (query.expires().isEmpty() || query.signature().isEmpty()) {
            return false;
        }
        long expires = query.expires().get();
        if (expires < time.now().getEpochSecond()) {
            return false;
        }
        return signer.verify(MediaLinks.signedData(query.message(), query.storageKey(), expires), query.signature().get());
    }

    private static NotFound notFound() {
        return new NotFound("Not found.");
    }
}
