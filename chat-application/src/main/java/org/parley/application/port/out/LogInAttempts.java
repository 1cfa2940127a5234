package org.parley.application.port.out;

/**
 * Log-in attempts per e-mail address ({@link LogInWindow}, contract §16), shared by every node of a deployment. The
 * log-in counts each attempt before it checks the password ({@link #attempt}), so that parallel guesses cannot pass
 * the limit, and clears the count when the password was right ({@link #succeeded}): what stays counted are failures.
 * An address is the log-in's normalized form (lower case), whether or not an account has it, so the answer never says
 * which addresses exist.
 *
 * <p>Implementations: one node's own (in the application's {@code cluster} package), and one shared by the nodes of a
 * deployment (the Redis adapter). Never throws: attempts that cannot be counted (the store is down) are granted.
 */
public interface LogInAttempts {

    /**
     * Counts one attempt for {@code address}, or refuses it without counting: when the address already had
     * {@link LogInWindow#failures()} attempts not cleared in its window, until that window has passed.
     */
    Admission attempt(String address);

    /** The attempt for {@code address} succeeded: its count starts again from zero. */
    void succeeded(String address);

    /** No throttling (the failure count set to 0). */
    static LogInAttempts unlimited() {
        return new LogInAttempts() {
            @Override
            public Admission attempt(String address) {
                return Admission.grant();
            }

            @Override
            public void succeeded(String address) {
            }
        };
    }
}
