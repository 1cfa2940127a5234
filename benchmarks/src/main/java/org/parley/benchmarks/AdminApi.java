package org.parley.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Creates the benchmark's users through Parley's admin upsert ({@code PUT /admin/users/<uuid>/}). */
final class AdminApi {

    private static final int CONCURRENT_REQUESTS = 8;

    private final URI httpBase;
    private final String adminKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    AdminApi(URI httpBase, String adminKey) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new IllegalArgumentException("the admin API key is required (--admin-key)");
        }
        this.httpBase = httpBase;
        this.adminKey = adminKey;
    }

    /** Creates {@code count} fresh users, a few requests at a time; fails on the first refusal. */
    List<UUID> createUsers(int count, String runId) throws InterruptedException {
        Semaphore permits = new Semaphore(CONCURRENT_REQUESTS);
        List<UUID> ids = new ArrayList<>(count);
        List<CompletableFuture<Void>> pending = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String body = "{\"email\":\"bench-" + id + "@bench.invalid\",\"fullname\":\"Bench " + runId + " " + i + "\"}";
            HttpRequest request = HttpRequest.newBuilder(httpBase.resolve("/admin/users/" + id + "/"))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Api-Key", adminKey)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            permits.acquire();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> permits.release())
                    .thenAccept(response -> {
                        if (response.statusCode() != 201 && response.statusCode() != 200) {
                            throw new IllegalStateException("the admin upsert answered " + response.statusCode()
                                    + (response.statusCode() == 401 ? " (wrong --admin-key)"
                                    : response.statusCode() == 404 ? " (admin API off: set PARLEY_ADMIN_API_KEY)" : ""));
                        }
                    }));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("creating users failed: "
                    + (cause instanceof IllegalStateException ? cause.getMessage()
                    : cause instanceof java.net.ConnectException
                    ? "cannot reach Parley at " + httpBase + " (is it running on that port? --url)"
                    : String.valueOf(cause)), cause);
        }
        return ids;
    }
}
