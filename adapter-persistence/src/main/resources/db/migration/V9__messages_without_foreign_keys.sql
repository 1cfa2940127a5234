-- Messages keep no foreign keys: a message's thread, sender, receiver and shared profile exist before it is stored
-- (the sender is authenticated; the receiver is looked up and must be active, a shared profile must exist; the thread is
-- found or created before the message is composed, and the batch that stores it locks the thread's row and fails
-- when it is missing, ThreadOrder.lockForAppending), and threads and users are never deleted (a user is
-- deactivated), so nothing leaves a message pointing nowhere.
--
-- What the constraints cost on every message stored (docs/storage.md, "Indexes, and why each exists";
-- docs/PERFORMANCE.md, "What issue 14 costs"):
-- - H2 builds an index for every foreign key, whether or not a query wants one: four indexes on messages that no
--   query reads (thread_id duplicates ix_messages_thread_id_id; sender, receiver and profile are never searched), each
--   a B-tree written on every insert, and with WRITE_DELAY=0 each commit rewrites every index page it touched. Without
--   them H2 writes half the bytes (measured: 137 MB instead of 283 MB for 60,000 messages with keys; 203 MB before V7).
-- - PostgreSQL checks each reference with a row lock on the referenced row (SELECT ... FOR KEY SHARE), three per
--   text message, which writes the lock into the users' and threads' rows.
-- Dropping them paid for uq_messages_sender_client_msg_id (V7) and more. Other tables keep theirs: read_markers,
-- user_last_seen and chat_threads are written rarely, not once per message.
ALTER TABLE messages DROP CONSTRAINT fk_messages_thread;
ALTER TABLE messages DROP CONSTRAINT fk_messages_sender;
ALTER TABLE messages DROP CONSTRAINT fk_messages_receiver;
ALTER TABLE messages DROP CONSTRAINT fk_messages_attached_profile;
