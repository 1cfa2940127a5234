package org.parley.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentName;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.UserProfile;

/**
 * Defence in depth behind the adapters' entrance checks: no text-bearing domain value can hold an unpaired surrogate,
 * so nothing built from one can make rendering (UTF-8 encoding) fail later.
 */
class TextValuesAreValidUnicodeTest {

    private static final String LONE_HIGH = "\ud83d";
    private static final String LONE_LOW = "x\ude00y";
    private static final String WITH_EMOJI = "ok😀";

    private record TextValue(String field, Function<String, Object> create) {
    }

    private static final List<TextValue> VALUES = List.of(
            new TextValue("message_body", MessageContent.Text::new),
            new TextValue("message_body", body -> MessageRules.defaults().text(body)),
            new TextValue("message", caption -> new MessageContent.File(caption,
                    new Attachment("key", "a.txt", 1, "text/plain"))),
            new TextValue("attached_file_name", name -> new Attachment("key", name, 1, "text/plain")),
            new TextValue("attached_file_name", AttachmentName::new),
            new TextValue("attached_file_name", AttachmentName::fromClient),
            new TextValue("client_msg_id", ClientMessageId::new),
            new TextValue("email", local -> new EmailAddress(local + "@example.org")),
            new TextValue("fullname", UserProfile::named),
            new TextValue("phone_number", text -> new UserProfile("A", text, null, null, null, null)),
            new TextValue("country_code", text -> new UserProfile("A", null, text, null, null, null)),
            new TextValue("gender", text -> new UserProfile("A", null, null, text, null, null)),
            new TextValue("profile_photo", text -> new UserProfile("A", null, null, null, null, text)));

    @Test
    void everyTextValueRefusesAnUnpairedSurrogateNamingItsField() {
        for (TextValue value : VALUES) {
            for (String broken : List.of(LONE_HIGH, LONE_LOW)) {
                assertThatThrownBy(() -> value.create().apply(broken))
                        .as(value.field())
                        .isInstanceOfSatisfying(DomainRuleViolation.class,
                                violation -> assertThat(violation.field()).isEqualTo(value.field()));
            }
        }
    }

    @Test
    void everyTextValueTakesSurrogatePairs() {
        for (TextValue value : VALUES) {
            assertThat(value.create().apply(WITH_EMOJI)).as(value.field()).isNotNull();
        }
    }

    @Test
    void aProfileReportsEachBrokenFieldOnce() {
        assertThat(UserProfile.violations(LONE_HIGH, LONE_HIGH, "NG", LONE_LOW, null))
                .extracting(DomainRuleViolation::field)
                .containsExactly("fullname", "phone_number", "gender");
    }
}
