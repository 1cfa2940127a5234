package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {

    private final Ledger ledger = new Ledger();

    @Test
    void aMessageConfirmedAndReceivedOnceIsClean() {
        ledger.sent("a-1", 100);
        assertThat(ledger.complete()).isFalse();

        assertThat(ledger.received("a-1", 7)).isEqualTo(100);
        assertThat(ledger.confirmed("a-1", 7)).isEqualTo(100);

        assertThat(ledger.complete()).isTrue();
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 0));
        assertThat(ledger.reconcile().clean()).isTrue();
    }

    @Test
    void missingConfirmationsAndDeliveriesAreLost() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.sent("a-3", 3);
        ledger.confirmed("a-1", 10);
        ledger.received("a-2", 11);

        Ledger.Reconciliation result = ledger.reconcile();

        assertThat(result.sent()).isEqualTo(3);
        assertThat(result.confirmed()).isEqualTo(1);
        assertThat(result.received()).isEqualTo(1);
        assertThat(result.lost()).isEqualTo(3);
        assertThat(result.clean()).isFalse();
        assertThat(ledger.complete()).isFalse();
    }

    @Test
    void extraConfirmationsAndDeliveriesAreDuplicates() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);

        Ledger.Reconciliation result = ledger.reconcile();

        assertThat(result.lost()).isZero();
        assertThat(result.duplicated()).isEqualTo(3);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(result.clean()).isFalse();
    }

    @Test
    void aDeliveryOfAnotherStoredMessageIsAMismatch() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 11);

        assertThat(ledger.reconcile().mismatched()).isEqualTo(1);
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void framesForMessagesNeverSentAreCountedAsUnknown() {
        assertThat(ledger.confirmed("nope", 1)).isEqualTo(-1);
        assertThat(ledger.received("nope", 1)).isEqualTo(-1);

        assertThat(ledger.reconcile().unknown()).isEqualTo(2);
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void aClientIdIsUsedOnce() {
        assertThat(ledger.sent("a-1", 1)).isTrue();
        assertThat(ledger.sent("a-1", 2)).isFalse();
    }

    // The totals are counted per message, never netted against each other: one message's extra frames must not
    // hide another message's missing ones, in any total (each test below once passed with such a one-line slip).

    @Test
    void aDuplicateDoesNotCancelOutALossOfTheSameMessage() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 10);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 0, 1, 1, 0, 0));
        assertThat(ledger.complete()).isFalse();
        assertThat(ledger.delivered()).isZero();
    }

    @Test
    void aDuplicateDoesNotCancelOutALossOfAnotherMessage() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.confirmed("a-2", 11);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(2, 2, 1, 1, 1, 0, 0));
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.complete()).isFalse();
    }

    @Test
    void duplicatedDeliveriesCountMessagesReceivedNotFrames() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(2, 1, 1, 1, 4, 0, 0));
    }

    @Test
    void aLossIsNeverANegativeDuplicate() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.sent("a-3", 3);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.confirmed("a-2", 11);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(3, 2, 1, 2, 1, 0, 0));
    }

    @Test
    void aMessageStoredTwiceUnderTwoIdsIsAMismatchAsWellAsADuplicate() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 11);
        ledger.received("a-1", 10);
        ledger.received("a-1", 11);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 2, 1, 0));
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void twoConfirmationsUnderTwoIdsAreAMismatchWhicheverComesFirst() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 11);
        ledger.received("a-1", 10);
        ledger.received("a-2", 12);
        ledger.confirmed("a-2", 12);
        ledger.confirmed("a-2", 13);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(2, 2, 2, 0, 2, 2, 0));
    }

    @Test
    void twoDeliveriesUnderTwoIdsAreAMismatchWhicheverComesFirst() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 11);
        ledger.received("a-2", 12);
        ledger.received("a-2", 13);
        ledger.confirmed("a-2", 12);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(2, 2, 2, 0, 2, 2, 0));
    }

    @Test
    void aMessageStoredTwiceButNeverDeliveredIsStillAMismatch() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 11);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 0, 1, 1, 1, 0));
    }

    @Test
    void aMessageDeliveredUnderTwoIdsIsAMismatchEvenWhenItsLastDeliveryMatchesOrItWasNeverConfirmed() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.received("a-1", 11);
        ledger.received("a-1", 10);
        ledger.confirmed("a-1", 10);
        ledger.received("a-2", 12);
        ledger.received("a-2", 13);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(2, 1, 2, 1, 2, 2, 0));
    }

    @Test
    void aDeliveryBeforeItsConfirmationUnderAnotherIdIsAMismatch() {
        ledger.sent("a-1", 1);
        ledger.received("a-1", 11);
        ledger.confirmed("a-1", 10);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 1, 0));
    }

    @Test
    void eachMismatchedMessageCountsOnce() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 11);
        ledger.received("a-1", 12);
        ledger.received("a-1", 13);

        assertThat(ledger.reconcile().mismatched()).isEqualTo(1);
    }

    @Test
    void everyUnknownFrameCountsAndTouchesNoMessage() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.confirmed("b-1", 20);
        ledger.received("b-1", 20);
        ledger.received("", 21);

        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 3));
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.complete()).isTrue();
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void aReusedClientIdKeepsItsFirstSendTime() {
        ledger.sent("a-1", 100);
        ledger.sent("a-1", 200);

        assertThat(ledger.confirmed("a-1", 10)).isEqualTo(100);
        assertThat(ledger.received("a-1", 10)).isEqualTo(100);
        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 0));
    }

    @Test
    void theRunIsCompleteOnlyWhenEveryMessageHasBothFrames() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.confirmed("a-2", 11);
        assertThat(ledger.complete()).isFalse();

        ledger.received("a-2", 11);
        assertThat(ledger.complete()).isTrue();

        Ledger receivedOnly = new Ledger();
        receivedOnly.sent("b-1", 1);
        receivedOnly.received("b-1", 10);
        assertThat(receivedOnly.complete()).isFalse();
        assertThat(new Ledger().complete()).isTrue();
    }

    @Test
    void onlyAMessagesFirstDeliveryCarriesItsSendTime() {
        ledger.sent("a-1", 100);

        assertThat(ledger.received("a-1", 10)).isEqualTo(100);
        assertThat(ledger.received("a-1", 10)).isEqualTo(-1);
        assertThat(ledger.received("a-1", 11)).isEqualTo(-1);
        assertThat(ledger.confirmed("a-1", 10)).isEqualTo(100);
        assertThat(ledger.confirmed("a-1", 10)).isEqualTo(100);
    }

    @Test
    void deliveredCountsEachMessageOnceWhateverItsDuplicates() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        assertThat(ledger.delivered()).isZero();
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-2", 11);

        assertThat(ledger.delivered()).isEqualTo(2);
    }

    @Test
    void aReconciliationIsCleanOnlyWhenEveryCountOfTroubleIsZero() {
        assertThat(new Ledger.Reconciliation(5, 5, 5, 0, 0, 0, 0).clean()).isTrue();
        assertThat(new Ledger.Reconciliation(5, 5, 4, 1, 0, 0, 0).clean()).isFalse();
        assertThat(new Ledger.Reconciliation(5, 5, 5, 0, 1, 0, 0).clean()).isFalse();
        assertThat(new Ledger.Reconciliation(5, 5, 5, 0, 0, 1, 0).clean()).isFalse();
        assertThat(new Ledger.Reconciliation(5, 5, 5, 0, 0, 0, 1).clean()).isFalse();
    }
}
