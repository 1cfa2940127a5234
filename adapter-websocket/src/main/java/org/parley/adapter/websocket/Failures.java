package org.parley.adapter.websocket;

/** Turning failures into log text on paths shared by many connections, where the logging itself must not throw. */
final class Failures {

    private Failures() {
    }

    /**
     * {@code failure}'s class and message in one line, or only its class name when even that cannot be had (a
     * throwable's {@code toString} is code too). Never throws.
     */
    static String describe(Throwable failure) {
        try {
            return String.valueOf(failure).replace('\n', ' ').replace('\r', ' ');
        } catch (Throwable indescribable) {
            return failure.getClass().getName() + " (which cannot describe itself)";
        }
    }
}
