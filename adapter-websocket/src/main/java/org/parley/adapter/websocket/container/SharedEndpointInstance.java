package org.parley.adapter.websocket.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;

import jakarta.websocket.Session;

import org.glassfish.tyrus.core.ComponentProviderService;
import org.glassfish.tyrus.core.TyrusSession;

/**
 * Drops the entry Tyrus keeps per session for an endpoint whose configurator hands every connection one shared
 * instance.
 *
 * <p>Works around: for an endpoint registered by its class ({@code ServerEndpointConfig}), Tyrus asks its
 * {@link ComponentProviderService} for the instance of each session ({@code TyrusEndpointWrapper.onConnect},
 * {@code ComponentProviderService.getInstance}), which remembers it in a map of its own, a {@code HashMap} per session
 * in a {@code ConcurrentHashMap} keyed by session, until the session closes ({@code removeSession}): about 200 bytes per
 * open connection, for an instance that is the same for all. Tyrus asks again only on a close or an error (it puts
 * the entry back, and the close removes it), so after {@code onOpen} the entry is dropped through the service's own
 * {@code removeSession}, which also tells the component providers to destroy it (Tyrus's default provider does
 * nothing). The service is reached through two private fields ({@code TyrusSession.endpointWrapper},
 * {@code TyrusEndpointWrapper.componentProvider}) with {@link VarHandle}s from private lookups, which work while Tyrus
 * and Parley share the class path's unnamed module; when they cannot be found (another Tyrus version), nothing is
 * dropped ({@link #available()}).
 *
 * <p>Checked on Tyrus 2.2.2. Proved by {@code SharedEndpointInstanceTest}.
 */
final class SharedEndpointInstance {

    private static final VarHandle ENDPOINT_WRAPPER;
    private static final VarHandle COMPONENT_PROVIDER;
    private static final VarHandle SESSION_TO_OBJECT;

    static {
        VarHandle wrapper = null;
        VarHandle provider = null;
        VarHandle sessions = null;
        try {
            Class<?> wrapperClass = Class.forName("org.glassfish.tyrus.core.TyrusEndpointWrapper", false,
                    TyrusSession.class.getClassLoader());
            wrapper = MethodHandles.privateLookupIn(TyrusSession.class, MethodHandles.lookup())
                    .findVarHandle(TyrusSession.class, "endpointWrapper", wrapperClass);
            provider = MethodHandles.privateLookupIn(wrapperClass, MethodHandles.lookup())
                    .findVarHandle(wrapperClass, "componentProvider", ComponentProviderService.class);
            sessions = MethodHandles.privateLookupIn(ComponentProviderService.class, MethodHandles.lookup())
                    .findVarHandle(ComponentProviderService.class, "sessionToObject", Map.class);
        } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
            wrapper = null;
            provider = null;
            sessions = null;
        }
        ENDPOINT_WRAPPER = wrapper;
        COMPONENT_PROVIDER = provider;
        SESSION_TO_OBJECT = sessions;
    }

    private SharedEndpointInstance() {
    }

    /** Whether this Tyrus's fields can be reached (Tyrus 2.2.2's can). */
    static boolean available() {
        return ENDPOINT_WRAPPER != null && COMPONENT_PROVIDER != null && SESSION_TO_OBJECT != null;
    }

    /** Drops Tyrus's per-session instance entry of {@code session}, a Tyrus session; never throws. */
    static void forget(Session session) {
        ComponentProviderService service = service(session);
        if (service != null) {
            try {
                service.removeSession(session);
            } catch (RuntimeException ignored) {
                // The entry stays until the session closes, as without this class.
            }
        }
    }

    /** Whether Tyrus holds an instance entry for {@code session} (tests). */
    static boolean held(Session session) {
        ComponentProviderService service = service(session);
        return service != null && ((Map<?, ?>) SESSION_TO_OBJECT.get(service)).containsKey(session);
    }

    private static ComponentProviderService service(Session session) {
        if (!available() || !(session instanceof TyrusSession)) {
            return null;
        }
        Object wrapper = ENDPOINT_WRAPPER.get(session);
        return wrapper == null ? null : (ComponentProviderService) COMPONENT_PROVIDER.get(wrapper);
    }
}
