package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;

/**
 * A hostile client against {@link JwtTokens}' memo of verified tokens: whatever it sends, a remembering instance
 * answers exactly as one that checks every token in full (the same user or the same refusal), on the first use and
 * on every later one, and however the clock moves.
 */
class HostileTokensAgainstTheMemoTest {

    private static final String SECRET = "parley-test-secret-that-is-long-enough-0123456789";
    private static final Algorithm KEY = Algorithm.HMAC256(SECRET);
    private static final UserId ALICE = UserId.parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    private static final Instant START = Instant.parse("2025-03-14T10:07:31.270646Z");

    private final ManualTimeSource time = new ManualTimeSource(START);
    private final JwtTokens remembering = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 100);
    private final JwtTokens full = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 0);

    @Test
    void variantsOfAnAcceptedTokenInTrailingBitsPaddingCaseAndWhitespaceAnswerAsTheFullCheckDoes() {
        String access = remembering.issueAccess(ALICE);
        assertThat(remembering.verifyAccess(access)).isEqualTo(ALICE);
        Set<String> variants = new LinkedHashSet<>();
        String[] parts = access.split("\\.");
        // The signature's last character carries 2 unused bits: the decoder may ignore them.
        for (char last : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
            String signature = parts[2].substring(0, parts[2].length() - 1) + last;
            variants.add(parts[0] + "." + parts[1] + "." + signature);
            variants.add(parts[0] + "." + parts[1] + "." + signature + "=");
        }
        variants.add(parts[0] + "=." + parts[1] + "." + parts[2]);
        variants.add(parts[0] + "." + parts[1] + "=." + parts[2]);
        variants.add(parts[0] + "." + parts[1] + "==." + parts[2]);
        variants.add(access.replace('-', '+').replace('_', '/'));
        for (int i = 0; i < access.length(); i++) {
            char c = access.charAt(i);
            char flipped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
            if (flipped != c) {
                variants.add(access.substring(0, i) + flipped + access.substring(i + 1));
            }
        }
        for (String space : List.of(" ", "\t", "\n", "\r\n", "\u00a0", "\u0000")) {
            variants.add(space + access);
            variants.add(access + space);
            variants.add(parts[0] + "." + space + parts[1] + "." + parts[2]);
        }
        variants.add(access + ".");
        variants.add(access + "." + parts[2]);
        variants.add(parts[0] + "." + parts[1] + "." + parts[2] + parts[2]);

        int acceptedVariants = 0;
        for (String variant : variants) {
            Outcome expected = outcome(full, variant, Kind.ACCESS);
            for (int use = 0; use < 3; use++) {
                assertThat(outcome(remembering, variant, Kind.ACCESS)).as("%s, use %d", printable(variant), use)
                        .isEqualTo(expected);
            }
            if (expected.user() != null) {
                acceptedVariants++;
                assertThat(expected.user()).isEqualTo(ALICE);
            }
        }
        System.out.printf("%d variants of one token, %d accepted by the full check (and the memo alike)%n",
                variants.size(), acceptedVariants);
        assertThat(remembering.verifyAccess(access)).isEqualTo(ALICE);
    }

    @Test
    void aRefreshTokenIsNeverAnAccessTokenAndTheOtherWayRoundWhicheverWasRememberedFirst() {
        for (boolean accessFirst : List.of(true, false)) {
            JwtTokens tokens = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 100);
            var pair = tokens.issue(ALICE);
            if (accessFirst) {
                tokens.verifyAccess(pair.access());
                tokens.verifyRefresh(pair.refresh());
            } else {
                tokens.verifyRefresh(pair.refresh());
                tokens.verifyAccess(pair.access());
            }
            for (int use = 0; use < 3; use++) {
                assertThat(outcome(tokens, pair.refresh(), Kind.ACCESS))
                        .isEqualTo(Outcome.refused(AuthenticationFailed.Reason.WRONG_TOKEN_TYPE));
                assertThat(outcome(tokens, pair.access(), Kind.REFRESH))
                        .isEqualTo(Outcome.refused(AuthenticationFailed.Reason.WRONG_TOKEN_TYPE));
            }
        }
        // Any other token_type (a typo, a case change, another backend's type) is refused the same way.
        for (String type : List.of("Access", "ACCESS", "access ", "", "refresh", "sliding")) {
            String token = mint(Objects.requireNonNull(type), ALICE.toString(), null, null);
            Outcome expected = outcome(full, token, Kind.ACCESS);
            assertThat(expected.user()).isNull();
            assertThat(outcome(remembering, token, Kind.ACCESS)).isEqualTo(expected);
            assertThat(outcome(remembering, token, Kind.ACCESS)).isEqualTo(expected);
        }
    }

    @Test
    void aTokenNotYetValidIsRefusedByTheMemoAsByTheFullCheckWhenTheClockStepsBack() {
        // A backend that shares the secret may set nbf; the full check refuses a token before it. The memo remembers
        // a token that passed; if the clock then steps back (NTP), the full check refuses it again: so must the memo.
        Instant notBefore = START.plusSeconds(30);
        String token = mint("access", ALICE.toString(), notBefore, null);
        assertThat(outcome(full, token, Kind.ACCESS).user()).as("before nbf").isNull();
        assertThat(outcome(remembering, token, Kind.ACCESS).user()).isNull();

        time.set(notBefore);
        assertThat(remembering.verifyAccess(token)).isEqualTo(ALICE);
        assertThat(remembering.remembered()).isEqualTo(1);

        for (Instant at : List.of(notBefore.minusSeconds(5), notBefore.minusMillis(1), notBefore,
                notBefore.plusMillis(1), notBefore.minusSeconds(3600))) {
            time.set(at);
            assertThat(outcome(remembering, token, Kind.ACCESS)).as("at %s", at)
                    .isEqualTo(outcome(full, token, Kind.ACCESS));
        }
    }

    @Test
    void anIssuedAtInTheFutureIsJudgedAsTheFullCheckJudgesIt() {
        String token = mint("access", ALICE.toString(), null, START.plusSeconds(3600));
        Outcome expected = outcome(full, token, Kind.ACCESS);
        assertThat(outcome(remembering, token, Kind.ACCESS)).isEqualTo(expected);
        assertThat(outcome(remembering, token, Kind.ACCESS)).isEqualTo(expected);
    }

    @Test
    void aTokenRememberedUnderOneSecretIsRefusedByAnInstanceWithAnotherInTheSameJvm() {
        String token = remembering.issueAccess(ALICE);
        assertThat(remembering.verifyAccess(token)).isEqualTo(ALICE);

        JwtTokens afterTheSecretChanged = new JwtTokens("a-new-secret-after-a-restart-long-enough-0123456789",
                Duration.ofMinutes(15), Duration.ofDays(1), time, 100);

        for (int use = 0; use < 3; use++) {
            assertThat(outcome(afterTheSecretChanged, token, Kind.ACCESS))
                    .isEqualTo(Outcome.refused(AuthenticationFailed.Reason.INVALID_TOKEN));
        }
        assertThat(afterTheSecretChanged.remembered()).isZero();
    }

    @Test
    void manyThreadsCheckingManyUsersTokensEachGetTheirOwnUser() throws Exception {
        JwtTokens small = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 16);
        List<UserId> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            UserId user = UserId.random();
            users.add(user);
            tokens.add(small.issueAccess(user));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int seed = thread;
                results.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int i = 0; i < 2_000; i++) {
                        int who = (seed * 31 + i * 7) % users.size();
                        if (!small.verifyAccess(tokens.get(who)).equals(users.get(who))) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(small.remembered()).isLessThanOrEqualTo(16);
    }

    @Test
    void aUserFloodingTheMemoWithFreshValidTokensStaysWithinItsBoundAndCostsAHotTokenAtMostAFullCheck() {
        // One user mints tokens as fast as log-in and refresh allow and uses each once; another reconnects with one
        // token. The memo stays within its bound, every answer is right, and the hot token's checks are counted as
        // full (many bytes allocated) or remembered (few): eviction may cost a full check, never a wrong answer.
        JwtTokens small = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 64);
        UserId flooder = UserId.random();
        String hot = small.issueAccess(ALICE);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int hotChecks = 0;
        int hotFullChecks = 0;
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 100; i++) {
                String fresh = small.issueAccess(flooder);
                assertThat(small.verifyAccess(fresh)).isEqualTo(flooder);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            UserId user = small.verifyAccess(hot);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertThat(user).isEqualTo(ALICE);
            hotChecks++;
            if (allocated > 1_000) {
                hotFullChecks++;
            }
            assertThat(small.remembered()).isLessThanOrEqualTo(64);
        }
        System.out.printf("flood of 20,000 fresh tokens through a memo of 64: %d of %d checks of the hot token were "
                + "full ones%n", hotFullChecks, hotChecks);
        assertThat(hotChecks).isEqualTo(200);
        // Caffeine admits by frequency (W-TinyLFU), so one-use tokens do not push out a token in use (3 of 200 seen).
        assertThat(hotFullChecks).isLessThanOrEqualTo(20);
    }

    private enum Kind { ACCESS, REFRESH }

    /** The user a check yields, or the reason it refused. */
    private record Outcome(UserId user, AuthenticationFailed.Reason reason) {
        static Outcome refused(AuthenticationFailed.Reason reason) {
            return new Outcome(null, reason);
        }
    }

    private static Outcome outcome(JwtTokens tokens, String token, Kind kind) {
        try {
            Function<String, UserId> check = kind == Kind.ACCESS ? tokens::verifyAccess : tokens::verifyRefresh;
            return new Outcome(check.apply(token), null);
        } catch (AuthenticationFailed e) {
            return Outcome.refused(e.reason());
        }
    }

    /** A token signed with the secret, as a backend sharing it may mint one; nbf and iat only when given. */
    private String mint(String type, String user, Instant notBefore, Instant issuedAt) {
        var builder = JWT.create().withClaim("token_type", type).withClaim("user_id", user)
                .withJWTId("j" + System.nanoTime()).withExpiresAt(START.plusSeconds(900));
        if (notBefore != null) {
            builder.withNotBefore(notBefore);
        }
        if (issuedAt != null) {
            builder.withIssuedAt(issuedAt);
        }
        return builder.sign(KEY);
    }

    private static String printable(String token) {
        return Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }
}
