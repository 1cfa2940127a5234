-- Parley chat schema, version 5: edited and deleted messages (contract §12).
--
-- A message's sender may change its text (edited) or delete it. A deleted message stays as a tombstone: same id,
-- thread, people, kind (message_type) and created_at, but nothing of what it said: body, attachment columns and
-- shared profile are NULL. Its attachment's storage key is therefore no longer named by any row, which is how the
-- orphan sweeper recognises the file's bytes as removable should the deletion's own removal not happen.
-- updated_at is the time of the last edit, or of the deletion.
--
-- Constant defaults: neither H2 nor PostgreSQL (11+) rewrites the table to add them. Inserts of new messages leave
-- both columns to their defaults (the mapping does not insert them), so the insert statement is unchanged.
ALTER TABLE messages ADD COLUMN edited BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE messages ADD COLUMN deleted BOOLEAN DEFAULT FALSE NOT NULL;

-- Each kind of message still carries exactly its own content, unless it is deleted: then it carries none.
-- (Re-checks every row once; both databases accept the same DROP/ADD.)
ALTER TABLE messages DROP CONSTRAINT ck_messages_content;
ALTER TABLE messages ADD CONSTRAINT ck_messages_content CHECK (
    (deleted = FALSE AND (
        (message_type = 'text'
            AND body IS NOT NULL
            AND storage_key IS NULL AND file_name IS NULL AND size_bytes IS NULL AND content_type IS NULL
            AND attached_profile_id IS NULL)
        OR (message_type = 'file'
            AND storage_key IS NOT NULL AND file_name IS NOT NULL AND size_bytes >= 0 AND content_type IS NOT NULL
            AND attached_profile_id IS NULL)
        OR (message_type = 'user_profile'
            AND storage_key IS NULL AND file_name IS NULL AND size_bytes IS NULL AND content_type IS NULL
            AND attached_profile_id IS NOT NULL)))
    OR (deleted = TRUE
        AND body IS NULL AND storage_key IS NULL AND file_name IS NULL AND size_bytes IS NULL
        AND content_type IS NULL AND attached_profile_id IS NULL));
