package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract §18, "catching up never misses a message", at the storage: two servers (two storages, each with its own
 * pool and Hibernate, on one database) store batches of messages of ONE thread at the same time, as their group commits
 * would, while a reader catches up with {@code after=<last id seen>} in a loop. Every stored message must be seen exactly
 * once, in strictly increasing id order; and the positions storage gave the messages must form one chain in id order
 * across both servers. Without the thread locks of {@link ThreadOrder} this fails: a batch that drew its ids before the
 * other server's batch can commit after it, and the reader, already past the later ids, never sees it.
 *
 * <p>Written for PostgreSQL (its run gives the class a throwaway database); it runs on H2 too (two storages in one JVM
 * share the embedded database).
 */
class CatchUpRaceTest {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpRaceTest.class);
    private static final int BATCHES_PER_SERVER = 250;
    private static final int MAX_BATCH_SIZE = 8;
    private static final int PAGE = 50;
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    @Test
    void aReaderCatchingUpWhileTwoServersStoreOneThreadSeesEveryMessageOnceInOrder() throws Exception {
        UserId alice = DATABASE.newUser();
        UserId bob = DATABASE.newUser();
        ChatThread thread = DATABASE.get().module().threads().getOrCreate(Participants.of(alice, bob), Fixtures.T0);
        List<AppendedMessage> stored = Collections.synchronizedList(new ArrayList<>());
        List<Long> seen = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            List<MessageRepository> servers = List.of(DATABASE.get().module().messages(), secondServer.messages());
            List<Future<?>> writers = new ArrayList<>();
            for (int s = 0; s < servers.size(); s++) {
                MessageRepository server = servers.get(s);
                Random random = new Random(s);
                String name = "server " + s;
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < BATCHES_PER_SERVER; b++) {
                        List<MessageDraft> batch = new ArrayList<>();
                        for (int i = random.nextInt(MAX_BATCH_SIZE) + 1; i > 0; i--) {
                            batch.add(thread.compose(i % 2 == 0 ? alice : bob,
                                    Fixtures.text(name + " batch " + b + " #" + i), Fixtures.at(b)));
                        }
                        stored.addAll(server.appendAll(batch));
                    }
                    return null;
                }));
            }
            catchUp(thread, writers, seen);
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<AppendedMessage> byId = new ArrayList<>(stored);
        byId.sort(Comparator.comparing(appended -> appended.message().id()));
        Set<Long> storedIds = new TreeSet<>();
        byId.forEach(appended -> storedIds.add(appended.message().id().value()));
        Set<Long> skipped = new TreeSet<>(storedIds);
        skipped.removeAll(seen);
        int notAfterThePrevious = 0;
        for (int i = 1; i < seen.size(); i++) {
            if (seen.get(i) <= seen.get(i - 1)) {
                notAfterThePrevious++;
            }
        }
        List<Long> misplaced = new ArrayList<>();
        for (int i = 0; i < byId.size(); i++) {
            ThreadPosition expected = i == 0
                    ? ThreadPosition.first() : ThreadPosition.after(byId.get(i - 1).message().id());
            if (!byId.get(i).position().equals(expected)) {
                misplaced.add(byId.get(i).message().id().value());
            }
        }
        String outcome = String.format("%d messages stored in %d batches; the reader saw %d, skipped %d, saw %d not "
                        + "after the one before; %d positions not right after the message before them",
                storedIds.size(), 2 * BATCHES_PER_SERVER, seen.size(), skipped.size(), notAfterThePrevious,
                misplaced.size());
        LOG.info("Race outcome: {}", outcome);

        assertThat(skipped).as(outcome).isEmpty();
        assertThat(notAfterThePrevious).as(outcome).isZero();
        assertThat(seen).as(outcome).hasSameSizeAs(storedIds).containsExactlyElementsOf(storedIds);
        assertThat(misplaced).as(outcome).isEmpty();
    }

    /**
     * Catches up with {@code after=<last id seen>} in a loop until the writers are done and a last read finds
     * nothing more, adding what it reads to {@code seen} in the order read.
     */
    private static void catchUp(ChatThread thread, List<Future<?>> writers, List<Long> seen) throws Exception {
        MessageRepository reader = DATABASE.get().module().messages();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Optional<MessageId> after = Optional.empty();
        while (true) {
            boolean writing = writers.stream().anyMatch(writer -> !writer.isDone());
            List<Message> page = reader.findInThread(thread.id(),
                    new MessageRange(after, Optional.empty(), MessageRange.Direction.OLDEST_FIRST), PAGE);
            for (Message message : page) {
                seen.add(message.id().value());
            }
            if (!page.isEmpty()) {
                after = Optional.of(page.get(page.size() - 1).id());
            } else if (!writing) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The writers did not finish within " + DEADLINE);
            }
        }
    }
}
