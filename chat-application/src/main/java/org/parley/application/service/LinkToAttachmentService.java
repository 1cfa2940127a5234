package org.parley.application.service;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.AttachmentLinkSigner;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;

/** Links valid for a configured lifetime from the moment they are made. */
public final class LinkToAttachmentService implements LinkToAttachment {

    private final AttachmentLinkSigner signer;
    private final Duration lifetime;
    private final TimeSource time;

    public LinkToAttachmentService(AttachmentLinkSigner signer, Duration lifetime, TimeSource time) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.time = Objects.requireNonNull(time, "time");
        if (lifetime.getSeconds() < 1) {
            throw new IllegalArgumentException("The link lifetime must be at least one second");
        }
    }

    @Override
    public Optional<AttachmentLink> linkFor(Message message) {
        if (!(message.content() instanceof MessageContent.File file)) {
            return Optional.empty();
        }
        String key = file.attachment().storageKey();
        long expires = time.now().plus(lifetime).getEpochSecond();
        String signature = signer.sign(MediaLinks.signedData(message.id(), key, expires));
        return Optional.of(new AttachmentLink(message.id(), key, expires, signature));
    }
}
