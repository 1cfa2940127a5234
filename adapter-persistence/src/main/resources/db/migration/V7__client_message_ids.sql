-- Idempotent sending (contract §14): the client_msg_id a sender gave the request that stored a message, and one
-- stored message per sender and client_msg_id at most.
--
-- The key stays with its message for as long as the message exists (the contract asks for at least 24 hours): no
-- second table to write and sweep, one more index entry per message (see docs/storage.md, "Idempotent sending").
-- NULL (a request without client_msg_id, an upload, every message stored before this version) never conflicts: both
-- databases treat NULLs in a unique constraint as distinct.
--
-- The constraint is the final arbiter when two nodes store the same key at the same moment: the loser's batch fails
-- on it, is stored again, and then finds the winner's message (HibernateMessageRepository.appendNew). Its index also
-- serves that look-up (sender_id, client_msg_id).
ALTER TABLE messages ADD COLUMN client_msg_id VARCHAR(64);
ALTER TABLE messages ADD CONSTRAINT uq_messages_sender_client_msg_id UNIQUE (sender_id, client_msg_id);
