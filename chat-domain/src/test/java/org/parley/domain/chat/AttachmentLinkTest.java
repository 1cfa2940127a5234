package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttachmentLinkTest {

    @Test
    void a_link_names_the_message_the_key_the_expiry_and_the_signature() {
        AttachmentLink link = new AttachmentLink(new MessageId(5), "0123abcd", 1_741_950_000L, "c2lnbmVk");

        assertThat(link.message()).isEqualTo(new MessageId(5));
        assertThat(link.storageKey()).isEqualTo("0123abcd");
        assertThat(link.expiresEpochSecond()).isEqualTo(1_741_950_000L);
        assertThat(link.signature()).isEqualTo("c2lnbmVk");
    }

    @Test
    void a_link_without_a_key_or_a_signature_does_not_exist() {
        assertThatThrownBy(() -> new AttachmentLink(new MessageId(5), " ", 1, "s"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttachmentLink(new MessageId(5), "k", 1, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttachmentLink(null, "k", 1, "s")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new AttachmentLink(new MessageId(5), null, 1, "s"))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new AttachmentLink(new MessageId(5), "k", 1, null))
                .isInstanceOf(NullPointerException.class);
    }
}
