package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

class UserIdTest {

    @Test
    void parses_the_canonical_form_and_prints_it_back() {
        String text = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

        UserId id = UserId.parse(text);

        assertThat(id.value()).isEqualTo(UUID.fromString(text));
        assertThat(id).hasToString(text);
    }

    @Test
    void accepts_upper_case_hex_as_the_same_id() {
        assertThat(UserId.parse("3F2504E0-4F89-41D3-9A0C-0305E82C3301"))
                .isEqualTo(UserId.parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "not-a-uuid",
            "3f2504e04f8941d39a0c0305e82c3301",
            "3f2504e0-4f89-41d3-9a0c-0305e82c33011",
            "3f2504e0-4f89-41d3-9a0c-0305e82c330g",
            " 3f2504e0-4f89-41d3-9a0c-0305e82c330",
            "+f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "-f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "3f2504e0-4f89-41d3-9a0c-+305e82c3301",
            "1-1-1-1-1",
            "3f2504e0-4f89-41d3-9a0c-0305e82c33\u0661\u0662",
            "3f2504e0-4f89-41d3-9a0c-0305e82c33\uff21\uff22",
            "3f2504e04-f89-41d3-9a0c-0305e82c3301",
            "3f2504e0-4f89-41d3-9a0c-0305e82c3301 "})
    void refuses_anything_but_the_canonical_form(String text) {
        assertThatThrownBy(() -> UserId.parse(text))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.USER_ID));
    }

    @Test
    void requires_a_value() {
        assertThatThrownBy(() -> new UserId(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void orders_by_text_form() {
        UserId low = UserId.parse("00000000-0000-0000-0000-000000000001");
        UserId high = UserId.parse("f0000000-0000-0000-0000-000000000000");

        assertThat(low).isLessThan(high);
        assertThat(high.compareTo(low)).isPositive();
        assertThat(low.compareTo(UserId.parse(low.toString()))).isZero();
    }

    @Test
    void ordering_agrees_with_text_not_with_uuid_compare() {
        // UUID.compareTo compares signed longs, so 8... sorts before 0...; the text order does not.
        UserId signedNegative = UserId.parse("80000000-0000-0000-0000-000000000000");
        UserId small = UserId.parse("00000000-0000-0000-0000-000000000001");

        assertThat(signedNegative.value().compareTo(small.value())).isNegative();
        assertThat(small).isLessThan(signedNegative);
    }

    /**
     * The order is the text order exactly, for ids that differ anywhere: in either half, in a sign bit, in one digit
     * only, or not at all (longs drawn from a few edge values as well as at random).
     */
    @Property
    void ordering_is_the_order_of_the_texts(@ForAll("ids") UserId one, @ForAll("ids") UserId other) {
        assertThat(Integer.signum(one.compareTo(other)))
                .isEqualTo(Integer.signum(one.toString().compareTo(other.toString())));
        assertThat(Integer.signum(one.compareTo(other))).isEqualTo(-Integer.signum(other.compareTo(one)));
    }

    @Provide
    Arbitrary<UserId> ids() {
        Arbitrary<Long> half = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0fffffffffffffffL, 0x8000000000000001L));
        return half.flatMap(high -> half.map(low -> new UserId(new UUID(high, low))));
    }

    @Test
    void random_ids_differ() {
        assertThat(UserId.random()).isNotEqualTo(UserId.random());
    }
}
