package org.parley.adapter.websocket.container;

/**
 * The frames of one connection that its endpoint has handed on to run elsewhere (its lane on the worker threads), seen
 * from the connection's reads: a close frame read while some wait must be handled after them
 * ({@link GuardedEngine.GuardedConnection}), as it would be if every frame ran on one thread in arrival order.
 */
public interface FramesInOrder {

    /** Whether some of the connection's frames still wait or run elsewhere. */
    boolean waiting();

    /**
     * Runs {@code task} after every frame handed on before it. Never blocks.
     *
     * @return false when it cannot (the worker threads have stopped: the server is stopping); {@code task} will not run
     */
    boolean after(Runnable task);

    /**
     * Called by the endpoint's {@code onOpen}: a close frame this connection reads while some of its frames wait in
     * {@code order} is handled after them. Does nothing outside an upgrade by Parley's engine.
     */
    static void forConnectionOpening(FramesInOrder order) {
        GuardedEngine.closeAfterFramesOf(order);
    }
}
