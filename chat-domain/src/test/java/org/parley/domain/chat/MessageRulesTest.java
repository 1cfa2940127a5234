package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

class MessageRulesTest {

    private static final String EMOJI = "👩🏽"; // two code points, four UTF-16 chars

    @Test
    void the_default_maximum_is_ten_thousand() {
        assertThat(MessageRules.defaults().maxTextLength()).isEqualTo(10_000).isEqualTo(MessageRules.DEFAULT_MAX_TEXT_LENGTH);
        assertThat(MessageRules.defaults().text("x".repeat(10_000)).body()).hasSize(10_000);
        assertThatThrownBy(() -> MessageRules.defaults().text("x".repeat(10_001)))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> {
                    assertThat(e.subject()).isEqualTo(RuleSubject.TEXT);
                    assertThat(e).hasMessageContaining("10000");
                });
    }

    @Test
    void length_counts_code_points_so_an_emoji_counts_as_what_it_is() {
        MessageRules rules = new MessageRules(4);
        String fourCodePoints = "😀😀😀😀"; // eight UTF-16 chars

        assertThat(rules.text(fourCodePoints).body()).isEqualTo(fourCodePoints);
        assertThat(rules.text(EMOJI + EMOJI).body()).isEqualTo(EMOJI + EMOJI);
        assertThatThrownBy(() -> rules.text(fourCodePoints + "a")).isInstanceOf(DomainRuleViolation.class);
    }

    @Test
    void blank_text_is_refused_before_length() {
        assertThatThrownBy(() -> MessageRules.defaults().text("   "))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.TEXT));
        assertThatThrownBy(() -> MessageRules.defaults().text(null)).isInstanceOf(DomainRuleViolation.class);
    }

    @Test
    void the_maximum_is_at_least_one() {
        assertThat(new MessageRules(1).text("a").body()).isEqualTo("a");
        assertThatThrownBy(() -> new MessageRules(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
