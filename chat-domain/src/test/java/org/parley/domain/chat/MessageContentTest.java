package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

class MessageContentTest {

    private static final Attachment ATTACHMENT = new Attachment("chat/abc", "photo.jpg", 1024, "image/jpeg");

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n\t", "\u2003"})
    void text_is_never_blank(String body) {
        assertThatThrownBy(() -> new MessageContent.Text(body))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.TEXT));
    }

    @Test
    void text_keeps_its_body_untouched() {
        assertThat(new MessageContent.Text("  hi  ").body()).isEqualTo("  hi  ");
    }

    @Test
    void each_kind_has_its_type() {
        assertThat(new MessageContent.Text("hi").type()).isEqualTo(MessageType.TEXT);
        assertThat(new MessageContent.File(null, ATTACHMENT).type()).isEqualTo(MessageType.FILE);
        assertThat(new MessageContent.ProfileShare(UserId.random()).type()).isEqualTo(MessageType.USER_PROFILE);
    }

    @Test
    void a_file_may_have_no_caption_but_needs_an_attachment() {
        assertThat(new MessageContent.File(null, ATTACHMENT).caption()).isNull();
        assertThat(new MessageContent.File("", ATTACHMENT).caption()).isEmpty();
        assertThatThrownBy(() -> new MessageContent.File("caption", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void a_profile_share_names_a_user() {
        assertThatThrownBy(() -> new MessageContent.ProfileShare(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void an_attachment_has_a_storage_key_and_a_size() {
        assertThat(new Attachment("k", "", 0, "application/octet-stream").sizeBytes()).isZero();
        assertThatThrownBy(() -> new Attachment(" ", "a.txt", 1, "text/plain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attachment("k", "a.txt", -1, "text/plain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attachment(null, "a.txt", 1, "text/plain")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Attachment("k", null, 1, "text/plain")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Attachment("k", "a.txt", 1, null)).isInstanceOf(NullPointerException.class);
    }
}
