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
import org.parley.domain.user.AccountStatus;
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

    private record TextValue(RuleSubject subject, Function<String, Object> create) {
    }

    private static final List<TextValue> VALUES = List.of(
            new TextValue(RuleSubject.TEXT, MessageContent.Text::new),
            new TextValue(RuleSubject.TEXT, body -> MessageRules.defaults().text(body)),
            new TextValue(RuleSubject.CAPTION, caption -> new MessageContent.File(caption,
                    new Attachment("key", "a.txt", 1, "text/plain"))),
            new TextValue(RuleSubject.ATTACHMENT_NAME, name -> new Attachment("key", name, 1, "text/plain")),
            new TextValue(RuleSubject.ATTACHMENT_NAME, AttachmentName::new),
            new TextValue(RuleSubject.ATTACHMENT_NAME, AttachmentName::fromClient),
            new TextValue(RuleSubject.CLIENT_MESSAGE_ID, ClientMessageId::new),
            new TextValue(RuleSubject.EMAIL, local -> new EmailAddress(local + "@example.org")),
            new TextValue(RuleSubject.FULLNAME, UserProfile::named),
            new TextValue(RuleSubject.PHONE_NUMBER, text -> new UserProfile("A", text, null, null, null, null)),
            new TextValue(RuleSubject.COUNTRY_CODE, text -> new UserProfile("A", null, text, null, null, null)),
            new TextValue(RuleSubject.GENDER, text -> new UserProfile("A", null, null, text, null, null)),
            new TextValue(RuleSubject.PROFILE_PHOTO, text -> new UserProfile("A", null, null, null, null, text)),
            new TextValue(RuleSubject.ACCOUNT_TYPE, text -> AccountStatus.activeUser().withAccountType(text)));

    @Test
    void everyTextValueRefusesAnUnpairedSurrogateNamingItsSubject() {
        for (TextValue value : VALUES) {
            for (String broken : List.of(LONE_HIGH, LONE_LOW)) {
                assertThatThrownBy(() -> value.create().apply(broken))
                        .as(value.subject().name())
                        .isInstanceOfSatisfying(DomainRuleViolation.class,
                                violation -> assertThat(violation.subject()).isEqualTo(value.subject()));
            }
        }
    }

    @Test
    void everyTextValueTakesSurrogatePairs() {
        for (TextValue value : VALUES) {
            assertThat(value.create().apply(WITH_EMOJI)).as(value.subject().name()).isNotNull();
        }
    }

    @Test
    void aProfileReportsEachBrokenFieldOnce() {
        assertThat(UserProfile.violations(LONE_HIGH, LONE_HIGH, "NG", LONE_LOW, null))
                .extracting(DomainRuleViolation::subject)
                .containsExactly(RuleSubject.FULLNAME, RuleSubject.PHONE_NUMBER, RuleSubject.GENDER);
    }
}
