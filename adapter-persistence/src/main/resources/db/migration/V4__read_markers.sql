-- Parley chat schema, version 4: read markers (contract §11).
--
-- One row per reader and thread: the id of the latest message the reader has read (everything up to and including it).
-- A marker only moves forward: HibernateReadMarkerRepository raises it with UPDATE ... WHERE message_id < :new, which
-- both databases evaluate against the newest committed row after waiting for a concurrent update of it, so concurrent
-- marks end at the greatest id. Nothing here is written when a message is sent: unread counts are counted when asked,
-- from ix_messages_thread_id_id (the range above the reader's marker).
--
-- The primary key (thread_id, user_id) serves every look-up: a thread's two markers (thread_id prefix) and one reader's
-- marker. No other index: markers are never looked up by user alone.
CREATE TABLE read_markers (
    thread_id  BIGINT                      NOT NULL,
    user_id    UUID                        NOT NULL,
    message_id BIGINT                      NOT NULL,
    -- When the reader last moved the marker.
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_read_markers PRIMARY KEY (thread_id, user_id),
    CONSTRAINT fk_read_markers_thread FOREIGN KEY (thread_id) REFERENCES chat_threads (id),
    CONSTRAINT fk_read_markers_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_read_markers_message FOREIGN KEY (message_id) REFERENCES messages (id)
);
