package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/** The media route's form (contract §7, api.md "Media"), byte for byte, and requests on it read back. */
class MediaRouteTest {

    private static final AttachmentLink LINK =
            new AttachmentLink(new MessageId(5), "0123abcd", 1_741_952_182L, "c2ln-bmVk_");

    @Test
    void aLinkIsThePathOfTheMessageAndKeyWithItsExpiryAndSignature() {
        assertThat(MediaRoute.pathOf(LINK)).isEqualTo("/media/5/0123abcd?expires=1741952182&signature=c2ln-bmVk_");
    }

    @Test
    void aRequestOnThePathReadsBackAsTheLinksDownload() {
        UserId caller = UserId.random();

        DownloadAttachment.Query query = MediaRoute.query("5", "0123abcd", "1741952182", "c2ln-bmVk_",
                () -> Optional.of(caller));

        assertThat(query).isEqualTo(new DownloadAttachment.Query(new MessageId(5), "0123abcd",
                Optional.of(1_741_952_182L), Optional.of("c2ln-bmVk_"), Optional.of(caller)));
    }

    @Test
    void aMissingOrMalformedExpiryOrSignatureCountsAsNone() {
        for (String expires : new String[] {null, "", "0", "-1", "abc", "1234567890123456789"}) {
            assertThat(MediaRoute.query("5", "k", expires, "", Optional::empty).expires()).as(expires).isEmpty();
        }
        assertThat(MediaRoute.query("5", "k", "1", null, Optional::empty).signature()).isEmpty();
        assertThat(MediaRoute.query("5", "k", "1", "", Optional::empty).signature()).isEmpty();
    }

    @Test
    void aPathThatNamesNoMessageIsNotFoundBeforeAnyTokenIsChecked() {
        AtomicInteger tokenChecks = new AtomicInteger();
        for (String message : new String[] {"0", "-5", "x", "", "1234567890123456789"}) {
            assertThatThrownBy(() -> MediaRoute.query(message, "k", "1", "s", () -> {
                tokenChecks.incrementAndGet();
                return Optional.empty();
            })).as(message).isInstanceOf(NotFound.class);
        }
        assertThat(tokenChecks).hasValue(0);
    }
}
