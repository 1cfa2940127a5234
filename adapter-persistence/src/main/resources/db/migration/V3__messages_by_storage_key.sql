-- Parley chat schema, version 3: messages by attachment storage key.
--
-- The orphan sweeper (SweepOrphanedAttachments) asks which of up to 1,000 files of the attachment store some message
-- names (WHERE storage_key IN (...)); without an index each such question reads the whole messages table. One plain
-- index, written for H2 and PostgreSQL alike: a partial index (WHERE storage_key IS NOT NULL) would spare text
-- messages their entry, but H2 has none, and the NULL entries cost one small index insert per message.
CREATE INDEX ix_messages_storage_key ON messages (storage_key);
