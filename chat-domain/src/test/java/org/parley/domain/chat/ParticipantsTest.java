package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

class ParticipantsTest {

    private final UserId low = UserId.parse("10000000-0000-0000-0000-000000000000");
    private final UserId high = UserId.parse("e0000000-0000-0000-0000-000000000000");

    @Test
    void of_puts_the_pair_in_canonical_order_whoever_comes_first() {
        Participants forward = Participants.of(low, high);
        Participants backward = Participants.of(high, low);

        assertThat(forward).isEqualTo(backward);
        assertThat(forward.first()).isEqualTo(low);
        assertThat(forward.second()).isEqualTo(high);
    }

    @Test
    void canonical_order_follows_the_text_of_the_ids_even_where_uuid_compare_disagrees() {
        UserId signedNegative = UserId.parse("80000000-0000-0000-0000-000000000000");

        assertThat(Participants.of(signedNegative, low).first()).isEqualTo(low);
    }

    @Test
    void refuses_a_conversation_with_yourself() {
        assertThatThrownBy(() -> Participants.of(low, low))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.RECEIVER));
        assertThatThrownBy(() -> Participants.of(low, UserId.parse(low.toString())))
                .isInstanceOf(DomainRuleViolation.class);
    }

    @Test
    void the_constructor_refuses_a_non_canonical_order() {
        assertThatThrownBy(() -> new Participants(high, low))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(DomainRuleViolation.class);
    }

    @Test
    void requires_both_people() {
        assertThatThrownBy(() -> Participants.of(null, high)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Participants.of(low, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void knows_who_takes_part_and_who_the_other_is() {
        Participants pair = Participants.of(low, high);
        UserId outsider = UserId.random();

        assertThat(pair.includes(low)).isTrue();
        assertThat(pair.includes(high)).isTrue();
        assertThat(pair.includes(outsider)).isFalse();
        assertThat(pair.otherThan(low)).isEqualTo(high);
        assertThat(pair.otherThan(high)).isEqualTo(low);
        assertThatThrownBy(() -> pair.otherThan(outsider)).isInstanceOf(IllegalArgumentException.class);
    }
}
