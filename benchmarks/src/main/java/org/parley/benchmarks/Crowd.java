package org.parley.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Consumer;


/** Users and their connections: created through the admin API, connected with minted tokens, a few at a time. */
final class Crowd {

    private Crowd() {
    }

    /** Tokens valid for the whole run (and then some). */
    static List<String> tokensFor(List<UUID> users, AccessTokens tokens) {
        Instant now = Instant.now();
        List<String> minted = new ArrayList<>(users.size());
        for (UUID user : users) {
            minted.add(tokens.mint(user, now));
        }
        return minted;
    }

    /**
     * Opens one connection per token, at most {@code concurrency} handshakes at a time; fails if any handshake fails
     * or the whole takes longer than {@code timeout}.
     */
    static List<ChatConnection> connect(ChatClients clients, List<String> tokens,
                                        IntFunction<Consumer<Frames.Incoming>> handlers, int concurrency,
                                        Duration timeout) throws Exception {
        Semaphore inProgress = new Semaphore(concurrency);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<ChatConnection>> opening = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (!inProgress.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("opening " + tokens.size() + " connections took longer than " + timeout);
            }
            opening.add(clients.open(tokens.get(i), handlers.apply(i))
                    .whenComplete((connection, failure) -> inProgress.release()));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
                .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        List<ChatConnection> connections = new ArrayList<>(opening.size());
        for (CompletableFuture<ChatConnection> future : opening) {
            connections.add(future.join());
        }
        return connections;
    }

    /** Waits until {@code done} holds or {@code timeout} passes; returns whether it holds. */
    static boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    static void closeAll(ChatClients clients, List<ChatConnection> connections) {
        clients.closing();
        for (ChatConnection connection : connections) {
            connection.close();
        }
    }
}
