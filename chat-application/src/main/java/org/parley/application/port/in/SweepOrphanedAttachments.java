package org.parley.application.port.in;

/**
 * Removes the attachment store's orphans: files that no stored message names and that were last written longer ago
 * than the configured age (one hour by default, {@code PARLEY_ORPHAN_AGE_SECONDS}). They are what an upload leaves
 * when its process is killed between storing the file and committing its message; with them go the partial files of
 * uploads whose process died while writing, by the same age. A file whose message exists is
 * never removed, and neither is an upload in progress: its file is younger than the age (see docs/storage.md,
 * "Orphaned attachments").
 */
public interface SweepOrphanedAttachments {

    /** One pass over the whole store; returns what it removed. Failures of the store or the database propagate. */
    Swept sweep();

    /**
     * What one sweep removed.
     *
     * @param files how many files
     * @param bytes their size together, in bytes
     */
    record Swept(long files, long bytes) {

        public Swept {
            if (files < 0 || bytes < 0) {
                throw new IllegalArgumentException("files and bytes must not be negative");
            }
        }

        /** Whether anything was removed. */
        public boolean removedAny() {
            return files > 0;
        }
    }
}
