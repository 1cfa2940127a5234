package org.parley.adapter.websocket;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

/**
 * A websocket session that records what is sent through its async remote, and can fail its writes (with any
 * throwable), never finish them, or be closed. Thread-safe, so it can sit among a real server's connections.
 */
final class FakeSession {

    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<CloseReason> closedWith = new CopyOnWriteArrayList<>();
    final Map<String, Object> properties = new ConcurrentHashMap<>();
    final AtomicInteger sendAttempts = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    volatile boolean open = true;
    /** Thrown by every {@code sendText} when set. */
    volatile Throwable sendFailure;
    /** Thrown by every {@code sendPing} when set. */
    volatile Throwable pingFailure;
    volatile boolean neverComplete;

    final RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                if (method.getName().equals("sendText") && args.length == 2) {
                    sendAttempts.incrementAndGet();
                    if (sendFailure != null) {
                        throw sendFailure;
                    }
                    sent.add((String) args[0]);
                    if (!neverComplete) {
                        ((SendHandler) args[1]).onResult(new SendResult(this.session));
                    }
                    return null;
                }
                if (method.getName().equals("sendPing")) {
                    pings.incrementAndGet();
                    if (pingFailure != null) {
                        throw pingFailure;
                    }
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    final Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "isOpen" -> open;
                case "getAsyncRemote" -> remote;
                case "getUserProperties" -> properties;
                case "close" -> {
                    closedWith.add((CloseReason) args[0]);
                    open = false;
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "FakeSession";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    /** The close codes this session was closed with, in order. */
    List<Integer> closeCodes() {
        return closedWith.stream().map(reason -> reason.getCloseCode().getCode()).toList();
    }
}
