package org.parley.adapter.redis;

/**
 * The bus could not be joined at start-up: Redis is unreachable, refuses the credentials or the subscription. The
 * message is one line naming Redis by {@code scheme://host:port/database}, never with its user or password, so start-up
 * can print it as is; no cause is attached (a driver's message may quote the URL).
 */
public final class RedisBusUnavailable extends RuntimeException {

    RedisBusUnavailable(String message) {
        super(message, null, false, false);
    }

    /** One line: the failure's kind and message (the innermost cause's, which names what really failed), no secret. */
    static String describe(Throwable failure) {
        try {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return message.replaceAll("//[^@/\\s]*@", "//***@").replace('\n', ' ').replace('\r', ' ');
        } catch (Throwable indescribable) {
            return failure.getClass().getName();
        }
    }
}
