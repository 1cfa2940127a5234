package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ClaimedWebhookEvent;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/**
 * What every {@link WebhookOutbox} must do (contract §15): claims hand out each receiver's oldest event only, one
 * claimant at a time, until acknowledged, given up or rescheduled. Extend it and implement {@link #emptyOutbox()}.
 */
public abstract class WebhookOutboxContract {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00.123456Z");
    private static final Duration LEASE = Duration.ofSeconds(60);

    protected WebhookOutbox outbox;
    private long nextMessage = 1;

    /** An outbox with no event in it; called before each test. */
    protected abstract WebhookOutbox emptyOutbox();

    @BeforeEach
    public void setUpOutbox() {
        outbox = emptyOutbox();
    }

    @Test
    public void an_event_comes_back_as_it_was_recorded() {
        UserId receiver = UserId.random();
        WebhookEvent event = new WebhookEvent(UUID.randomUUID(), WebhookEvent.Kind.MESSAGE_EDITED, new MessageId(42),
                receiver, NOW);
        outbox.record(event);

        List<ClaimedWebhookEvent> claimed = outbox.claimDue("a", NOW, LEASE, 10);

        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).event()).isEqualTo(event);
        assertThat(claimed.get(0).attempts()).isZero();
        assertThat(outbox.depth()).isEqualTo(1);
    }

    @Test
    public void claims_hand_out_the_oldest_event_of_each_receiver_oldest_first() {
        UserId ann = UserId.random();
        UserId bob = UserId.random();
        WebhookEvent ann1 = record(ann);
        WebhookEvent bob1 = record(bob);
        WebhookEvent ann2 = record(ann);

        assertThat(events(outbox.claimDue("a", NOW, LEASE, 10))).containsExactly(ann1, bob1);
        assertThat(outbox.claimDue("b", NOW, LEASE, 10)).as("ann2 waits behind ann1, both heads are claimed")
                .isEmpty();
        assertThat(outbox.depth()).isEqualTo(3);
        assertThat(ann2).isNotNull();
    }

    @Test
    public void acknowledging_a_head_makes_the_receivers_next_event_claimable() {
        UserId ann = UserId.random();
        WebhookEvent ann1 = record(ann);
        WebhookEvent ann2 = record(ann);
        WebhookEvent ann3 = record(ann);

        ClaimedWebhookEvent first = single(outbox.claimDue("a", NOW, LEASE, 10));
        assertThat(first.event()).isEqualTo(ann1);
        outbox.acknowledge(first);
        ClaimedWebhookEvent second = single(outbox.claimDue("a", NOW, LEASE, 10));
        assertThat(second.event()).isEqualTo(ann2);
        outbox.acknowledge(second);

        assertThat(events(outbox.claimDue("a", NOW, LEASE, 10))).containsExactly(ann3);
        assertThat(outbox.depth()).isEqualTo(1);
    }

    @Test
    public void a_claim_holds_until_its_lease_ends_then_another_claimant_gets_the_event() {
        WebhookEvent event = record(UserId.random());
        single(outbox.claimDue("a", NOW, LEASE, 10));

        assertThat(outbox.claimDue("b", NOW.plus(LEASE).minusMillis(1), LEASE, 10)).isEmpty();
        ClaimedWebhookEvent taken = single(outbox.claimDue("b", NOW.plus(LEASE), LEASE, 10));

        assertThat(taken.event()).isEqualTo(event);
        assertThat(taken.attempts()).as("a claim that ended is no failed attempt").isZero();
    }

    @Test
    public void retry_later_keeps_the_head_and_its_receivers_other_events_waiting_until_it_is_due() {
        UserId ann = UserId.random();
        WebhookEvent ann1 = record(ann);
        record(ann);
        ClaimedWebhookEvent claimed = single(outbox.claimDue("a", NOW, LEASE, 10));

        outbox.retryLater(claimed, NOW.plusSeconds(2));

        assertThat(outbox.claimDue("a", NOW.plusSeconds(1), LEASE, 10)).isEmpty();
        ClaimedWebhookEvent again = single(outbox.claimDue("b", NOW.plusSeconds(2), LEASE, 10));
        assertThat(again.event()).isEqualTo(ann1);
        assertThat(again.attempts()).isEqualTo(1);
        outbox.retryLater(again, NOW.plusSeconds(4));
        assertThat(single(outbox.claimDue("a", NOW.plusSeconds(4), LEASE, 10)).attempts()).isEqualTo(2);
    }

    @Test
    public void retry_later_under_a_claim_that_ended_and_was_taken_over_changes_nothing() {
        record(UserId.random());
        ClaimedWebhookEvent stale = single(outbox.claimDue("a", NOW, LEASE, 10));
        ClaimedWebhookEvent current = single(outbox.claimDue("b", NOW.plus(LEASE), LEASE, 10));

        outbox.retryLater(stale, NOW.plus(LEASE));

        assertThat(outbox.claimDue("c", NOW.plus(LEASE), LEASE, 10)).as("b's claim still holds").isEmpty();
        outbox.retryLater(current, NOW.plus(LEASE).plusSeconds(1));
        assertThat(single(outbox.claimDue("c", NOW.plus(LEASE).plusSeconds(1), LEASE, 10)).attempts()).isEqualTo(1);
    }

    @Test
    public void giving_up_removes_the_head() {
        UserId ann = UserId.random();
        record(ann);
        WebhookEvent ann2 = record(ann);

        outbox.giveUp(single(outbox.claimDue("a", NOW, LEASE, 10)));

        assertThat(events(outbox.claimDue("a", NOW, LEASE, 10))).containsExactly(ann2);
        assertThat(outbox.depth()).isEqualTo(1);
    }

    @Test
    public void a_claim_takes_at_most_max_events() {
        List<WebhookEvent> heads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            heads.add(record(UserId.random()));
        }

        assertThat(events(outbox.claimDue("a", NOW, LEASE, 3))).containsExactlyElementsOf(heads.subList(0, 3));
        assertThat(events(outbox.claimDue("b", NOW, LEASE, 3))).containsExactlyElementsOf(heads.subList(3, 5));
    }

    /**
     * Two claimants (two nodes) work through the same outbox at once: every event is sent exactly once (no
     * failures here), never by both at the same time, and each receiver's events in the order recorded.
     */
    @Test
    public void two_claimants_at_once_never_share_an_event_and_keep_each_receivers_order() throws Exception {
        List<UserId> receivers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            receivers.add(UserId.random());
        }
        Map<UUID, Integer> orderOf = new HashMap<>();
        Map<UserId, List<UUID>> expected = new HashMap<>();
        for (int i = 0; i < 120; i++) {
            UserId receiver = receivers.get(i % receivers.size());
            WebhookEvent event = record(receiver);
            orderOf.put(event.id(), i);
            expected.computeIfAbsent(receiver, r -> new ArrayList<>()).add(event.id());
        }
        Map<UserId, List<UUID>> sent = new ConcurrentHashMap<>();
        Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
        List<String> overlaps = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService claimants = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String name : List.of("node-a", "node-b")) {
                done.add(claimants.submit(() -> {
                    go.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (outbox.depth() > 0 && System.nanoTime() < deadline) {
                        for (ClaimedWebhookEvent claimed : outbox.claimDue(name, NOW, LEASE, 3)) {
                            if (!inFlight.add(claimed.event().id())) {
                                synchronized (overlaps) {
                                    overlaps.add(claimed.event().id().toString());
                                }
                            }
                            sent.computeIfAbsent(claimed.event().receiver(), r -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                    .add(claimed.event().id());
                            inFlight.remove(claimed.event().id());
                            outbox.acknowledge(claimed);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(90, TimeUnit.SECONDS);
            }
        } finally {
            claimants.shutdownNow();
        }

        assertThat(overlaps).isEmpty();
        assertThat(outbox.depth()).isZero();
        assertThat(sent).isEqualTo(expected);
        Set<UUID> all = new HashSet<>();
        sent.values().forEach(all::addAll);
        assertThat(all).hasSize(orderOf.size());
    }

    private WebhookEvent record(UserId receiver) {
        WebhookEvent event = new WebhookEvent(UUID.randomUUID(), WebhookEvent.Kind.MESSAGE_NEW,
                new MessageId(nextMessage++), receiver, NOW.truncatedTo(ChronoUnit.MICROS));
        outbox.record(event);
        return event;
    }

    private static List<WebhookEvent> events(List<ClaimedWebhookEvent> claimed) {
        return claimed.stream().map(ClaimedWebhookEvent::event).toList();
    }

    private static ClaimedWebhookEvent single(List<ClaimedWebhookEvent> claimed) {
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }
}
