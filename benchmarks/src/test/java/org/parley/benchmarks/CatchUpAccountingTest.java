package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/**
 * The storm mode's accounting across a restart ({@link Ledger#caughtUp}, {@link Ledger#reconcileAcrossRestart},
 * {@link Ledger#settledAcrossRestart}), the catch-up page it reads ({@link CatchUp.Page}) and its handshake rate.
 */
class CatchUpAccountingTest {

    private final Ledger ledger = new Ledger();

    @Test
    void aMessageSeenAsAFrameAndInTheCatchUpCountsOnce() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);

        assertThat(ledger.caughtUp("a-1", 10)).as("already seen as a frame").isFalse();

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 0));
        assertThat(result.totals().clean()).isTrue();
        assertThat(result.overlap()).isEqualTo(1);
        assertThat(result.caughtUpOnly()).isZero();
    }

    @Test
    void aFrameAfterTheCatchUpIsAnOverlapNotADuplicate() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);

        assertThat(ledger.caughtUp("a-1", 10)).as("first seen in the catch-up").isTrue();
        ledger.received("a-1", 10);

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals().duplicated()).isZero();
        assertThat(result.totals().received()).isEqualTo(1);
        assertThat(result.overlap()).isEqualTo(1);
    }

    @Test
    void aSecondFrameIsStillADuplicateWhateverTheCatchUpSaw() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.caughtUp("a-1", 10);
        ledger.received("a-1", 10);

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals().duplicated()).isEqualTo(1);
        assertThat(result.totals().clean()).isFalse();
    }

    @Test
    void theSameMessageListedByTwoCatchUpsCountsOnce() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.caughtUp("a-1", 10);

        assertThat(ledger.caughtUp("a-1", 10)).isFalse();

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 0));
        assertThat(result.caughtUpOnly()).isEqualTo(1);
        assertThat(result.overlap()).isZero();
    }

    @Test
    void aConfirmedMessageSeenOnlyInTheCatchUpIsNotLost() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        assertThat(ledger.settledAcrossRestart(0)).isFalse();

        ledger.caughtUp("a-1", 10);

        assertThat(ledger.settledAcrossRestart(0)).isTrue();
        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals().lost()).isZero();
        assertThat(result.caughtUpOnly()).isEqualTo(1);
        assertThat(ledger.delivered()).as("frames only").isZero();
    }

    @Test
    void aConfirmedMessageNeverSeenIsLost() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-2", 11);
        ledger.received("a-2", 11);

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals()).isEqualTo(new Ledger.Reconciliation(2, 2, 1, 1, 0, 0, 0));
        assertThat(result.totals().clean()).isFalse();
    }

    @Test
    void anUnconfirmedMessageIsNotLostAcrossARestartAndIsCountedStoredOrNot() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.caughtUp("a-2", 11);
        ledger.sent("a-3", 3);
        ledger.received("a-3", 12);

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals()).isEqualTo(new Ledger.Reconciliation(3, 0, 2, 0, 0, 0, 0));
        assertThat(result.unconfirmedStored()).isEqualTo(2);
        assertThat(result.unconfirmedUnseen()).isEqualTo(1);
        assertThat(ledger.reconcile().lost()).as("without a restart all three are lost").isEqualTo(3);
    }

    @Test
    void aMessageListedUnderAnotherIdThanConfirmedIsMismatched() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.caughtUp("a-1", 99);

        Ledger.AcrossRestart result = ledger.reconcileAcrossRestart();
        assertThat(result.totals().mismatched()).isEqualTo(1);
        assertThat(result.totals().clean()).isFalse();
    }

    @Test
    void aMessageListedUnderAnotherIdThanItsFrameIsMismatched() {
        ledger.sent("a-1", 1);
        ledger.received("a-1", 10);
        ledger.caughtUp("a-1", 11);

        assertThat(ledger.reconcileAcrossRestart().totals().mismatched()).isEqualTo(1);
    }

    @Test
    void aFrameUnderAnotherIdThanTheCatchUpListedIsMismatched() {
        ledger.sent("a-1", 1);
        ledger.caughtUp("a-1", 10);
        ledger.received("a-1", 11);

        assertThat(ledger.reconcileAcrossRestart().totals().mismatched()).isEqualTo(1);
    }

    @Test
    void aListedMessageThisRunNeverSentIsUnknown() {
        assertThat(ledger.caughtUp("someone-else-1", 10)).isFalse();
        assertThat(ledger.caughtUp("", 11)).isFalse();

        assertThat(ledger.reconcileAcrossRestart().totals().unknown()).isEqualTo(2);
        assertThat(ledger.reconcileAcrossRestart().totals().clean()).isFalse();
    }

    @Test
    void settlingWaitsForMessagesSentSinceEveryoneCameBackToBeConfirmed() {
        ledger.sent("a-1", 100);
        ledger.sent("a-2", 200);

        assertThat(ledger.settledAcrossRestart(150)).as("a-2 was sent after all were back").isFalse();
        assertThat(ledger.settledAcrossRestart(200)).as("a-2 was sent as all were back").isFalse();
        assertThat(ledger.settledAcrossRestart(201)).as("both were cut off by the restart").isTrue();

        ledger.confirmed("a-2", 10);
        assertThat(ledger.settledAcrossRestart(150)).as("confirmed, not yet seen").isFalse();
        ledger.received("a-2", 10);
        assertThat(ledger.settledAcrossRestart(150)).isTrue();
    }

    @Test
    void aCatchUpPageIsReadAsClientIdsAndIds() throws IOException {
        CatchUp.Page page = CatchUp.Page.parse("""
                {"status":"success","success":true,"message":null,"data":{"messages":[
                  {"id":12,"message":"bench r-1-2","sender":{"id":"x"}},
                  {"id":11,"message":"bench r-1-1 xxxx"},
                  {"id":10,"message":"hello"},
                  {"id":9,"message":null}],
                 "has_more":true,"next_before":null,"next_after":12}}
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(page.messages()).containsExactly(new CatchUp.Message("r-1-2", 12),
                new CatchUp.Message("r-1-1", 11), new CatchUp.Message(null, 10), new CatchUp.Message(null, 9));
        assertThat(page.hasMore()).isTrue();
        assertThat(page.nextAfter()).isEqualTo(OptionalLong.of(12));
    }

    @Test
    void theLastCatchUpPageHasNoNextAfter() throws IOException {
        CatchUp.Page page = CatchUp.Page.parse("""
                {"data":{"messages":[],"has_more":false,"next_before":null,"next_after":null}}
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(page.messages()).isEmpty();
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextAfter()).isEmpty();
    }

    @Test
    void aCatchUpAnswerWithoutItsShapeIsRefused() {
        assertThatThrownBy(() -> CatchUp.Page.parse("{\"status\":\"failure\",\"entity\":null}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> CatchUp.Page.parse("{\"data\":{\"messages\":[]}}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }

    @Test
    void theHandshakeRateCountsIntervalsFromTheFirstHandshake() {
        long[] times = {1_000_000_000L, 1_250_000_000L, 1_500_000_000L, 2_000_000_000L};

        assertThat(StormRun.handshakesPerSecond(times, 3)).isEqualTo(4.0);
        assertThat(StormRun.handshakesPerSecond(times, 4)).isEqualTo(3.0);
        assertThat(StormRun.handshakesPerSecond(times, 5)).as("not all came back").isNaN();
        assertThat(StormRun.handshakesPerSecond(times, 1)).isNaN();
    }
}
