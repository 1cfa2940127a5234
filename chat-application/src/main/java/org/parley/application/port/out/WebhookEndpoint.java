package org.parley.application.port.out;

/**
 * The app's backend, reached at {@code PARLEY_WEBHOOK_URL} (contract §15): the webhook adapter renders a notice as the
 * JSON body, signs it ({@code X-Parley-Signature}) and POSTs it.
 *
 * <p>May block, for at most its time-out (5 s by default): it is called on the webhook relay's own threads, never on
 * a thread chat needs. Never throws.
 */
public interface WebhookEndpoint {

    /**
     * POSTs {@code notice}.
     *
     * @return {@code null} when it was acknowledged (a 2xx answer); otherwise what went wrong, on one line, for the log
     *         ({@code "HTTP 500"}, {@code "no answer within 5000 ms"}, {@code "Connection refused"} …)
     */
    String post(WebhookNotice notice);
}
