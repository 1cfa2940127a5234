package org.parley.application.port.out;

/**
 * Log-in attempts per e-mail address ({@link LogInWindow}, contract §16), shared by every node of a deployment. The
 * log-in counts each attempt before it checks the password ({@link #attempt}), so that parallel guesses cannot pass
 * the limit, clears the count when the password was right ({@link #succeeded}), and gives the attempt back when the
 * password was never checked ({@link #giveBack}: hashing refused, storage away): what stays counted are failures, as
 * contract §16 counts "failed {@code POST /auth/token/}". An address is the log-in's normalized form (lower case),
 * whether or not an account has it, so the answer never says which addresses exist.
 *
 * <p>Implementations: one node's own (in the application's {@code cluster} package), and one shared by the nodes of a
 * deployment (the Redis adapter). Never throws: while a shared store cannot be asked, this node's own
 * attempts decide instead.
 */
public interface LogInAttempts {

    /**
     * Counts one attempt for {@code address}, or refuses it without counting: when the address already had
     * {@link LogInWindow#failures()} attempts not cleared in its window, until that window has passed.
     */
    Admission attempt(String address);

    /** The attempt for {@code address} succeeded: its count starts again from zero. */
    void succeeded(String address);

    /**
     * An attempt for {@code address} that {@link #attempt} counted was never judged (the password was not checked:
     * hashing was refused because its queue was full, the account could not be read): it no longer counts, so other
     * people's load can never lock an address out. Nothing happens when the address has nothing counted in a window
     * that has not passed; when its count drops to zero its window is gone, and the next attempt starts a new one. (An
     * attempt counted in a window that passed before it was given back takes one from the next window: a log-in would
     * have to straddle the window's end for that.)
     */
    void giveBack(String address);

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

            @Override
            public void giveBack(String address) {
            }
        };
    }
}
