package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * Two Parley nodes on one database for a test class, as two server processes of one deployment: node 0 is
 * {@link RunningParley}'s (its first node), node 1 another instance on the same configuration, started after it and
 * stopped before it. Register it as a static field with {@code @RegisterExtension} in place of a
 * {@link RunningParley}.
 *
 * <p>{@link #onOneBus} puts both nodes on the shared Redis bus ({@link RedisForTests}, a channel of the class's own;
 * the class is skipped without Redis, failing on CI). In cluster mode (see {@link RunningParley}) node 1 joins the
 * cluster's bus whichever constructor made it.
 */
public final class TwoNodes implements BeforeAllCallback, AfterAllCallback {

    private final RunningParley first;
    private Parley second;

    /** Node 0 is {@code first}'s first node; node 1 starts on its configuration. */
    public TwoNodes(RunningParley first) {
        this.first = first;
    }

    /** Two nodes on one Redis bus, otherwise on the end-to-end defaults. */
    public static TwoNodes onOneBus() {
        return onOneBus(UnaryOperator.identity());
    }

    /** Two nodes on one Redis bus whose configuration {@code customize} changes first. */
    public static TwoNodes onOneBus(UnaryOperator<ParleyConfig> customize) {
        return new TwoNodes(new RunningParley(config -> customize.apply(config)
                .withBus(new ParleyConfig.Bus(RedisForTests.url(), RedisForTests.uniqueChannel()))));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        first.beforeAll(context);
        second = first.startAnotherInstance();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (second != null) {
                second.close();
            }
        } finally {
            first.afterAll(context);
        }
    }

    /** Node {@code node}'s (0 or 1) websocket base, {@code ws://127.0.0.1:<port>}. */
    public String wsBase(int node) {
        return "ws://127.0.0.1:" + port(node);
    }

    /** Node {@code node}'s (0 or 1) HTTP base, {@code http://127.0.0.1:<port>}. */
    public String httpBase(int node) {
        return "http://127.0.0.1:" + port(node);
    }

    /** A REST client of node {@code node} (0 or 1). */
    public HttpApi api(int node) {
        return new HttpApi(httpBase(node));
    }

    private int port(int node) {
        return switch (node) {
            case 0 -> first.port();
            case 1 -> second.port();
            default -> throw new IllegalArgumentException("Node 0 or 1, not " + node);
        };
    }
}
