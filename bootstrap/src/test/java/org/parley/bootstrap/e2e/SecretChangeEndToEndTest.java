package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * A server restarted in the same JVM with a new JWT secret refuses every token signed with the old one, even one the
 * server before the restart had checked a moment earlier (JwtTokens' memo of verified tokens belongs to one server,
 * never to the JVM), at the handshake and on REST, and accepts tokens signed with the new secret.
 */
class SecretChangeEndToEndTest {

    private static final String OLD_SECRET = "the-old-secret-before-the-restart-0123456789";
    private static final String NEW_SECRET = "the-new-secret-after-the-restart-9876543210";

    @Test
    void aTokenCheckedBeforeARestartWithANewSecretIsRefusedAfterIt() throws Exception {
        Path dataDir = Files.createTempDirectory("parley-secret-change-");
        String alice = UUID.randomUUID().toString();
        String oldToken = People.mint(alice, "access", Instant.now().plusSeconds(600), OLD_SECRET);
        try {
            try (Parley before = Parley.start(config(dataDir, OLD_SECRET))) {
                HttpApi api = new HttpApi("http://127.0.0.1:" + before.port());
                new People(api).upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
                assertThat(api.get("/auth/me/", oldToken).status()).isEqualTo(200);
                try (ChatSocket checked = ChatSocket.connect("ws://127.0.0.1:" + before.port(), oldToken)) {
                    assertThat(api.get("/chat/user/threads/", oldToken).status()).isEqualTo(200);
                }
            }
            try (Parley after = Parley.start(config(dataDir, NEW_SECRET))) {
                HttpApi api = new HttpApi("http://127.0.0.1:" + after.port());
                HttpApi.Reply refused = api.get("/auth/me/", oldToken);
                assertThat(refused.status()).isEqualTo(401);
                assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
                assertThat(refused.json().get("message").asText()).isEqualTo("Given token not valid for any token type");
                assertThatThrownBy(() -> ChatSocket.connect("ws://127.0.0.1:" + after.port(), oldToken))
                        .isInstanceOfSatisfying(ChatSocket.HandshakeRefused.class,
                                handshake -> assertThat(handshake.status()).isEqualTo(401));
                String newToken = People.mint(alice, "access", Instant.now().plusSeconds(600), NEW_SECRET);
                assertThat(api.get("/auth/me/", newToken).data().get("id").asText()).isEqualTo(alice);
            }
        } finally {
            RunningParley.deleteRecursively(dataDir);
        }
    }

    private static ParleyConfig config(Path dataDir, String secret) {
        return new ParleyConfig("127.0.0.1", 0, dataDir, Optional.empty(), Optional.of(secret),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.of(RunningParley.ADMIN_API_KEY),
                25L * 1024 * 1024, 10_000, 64 * 1024, 1_000, Duration.ofSeconds(30), Duration.ofHours(1))
                .withLimits(ParleyConfig.Limits.off());
    }
}
