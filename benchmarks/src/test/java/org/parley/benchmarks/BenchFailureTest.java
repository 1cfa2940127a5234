package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.Test;

class BenchFailureTest {

    @Test
    void aHandshakeRefused401NamesTheJwtSecret() {
        ExecutionException failure = new ExecutionException(new WebSocketClientHandshakeException(
                "Invalid handshake response getStatus: 401 Unauthorized",
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED)));

        assertThat(Bench.describe(failure))
                .contains("401")
                .contains("wrong --jwt-secret");
    }

    @Test
    void otherFailuresAreDescribedAsBefore() {
        IllegalStateException failure = new IllegalStateException("creating users failed: x");

        assertThat(Bench.describe(failure)).isEqualTo(failure.toString());
    }
}
