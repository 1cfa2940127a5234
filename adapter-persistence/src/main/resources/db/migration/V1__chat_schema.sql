-- Parley chat schema, version 1.
--
-- One script for H2 2.x and PostgreSQL 15 alike, so it uses only syntax and types both understand:
--   * UUID for user ids (native on both).
--   * TIMESTAMP(6) WITH TIME ZONE for instants: microseconds, the precision the domain keeps, so instants
--     round-trip exactly.
--   * TEXT for free-length text: PostgreSQL's unbounded text, and an unbounded CHARACTER VARYING on H2 2.x.
--     Both report it as VARCHAR, so it maps to a plain String (no LOB streams); length limits are the domain's.
--   * Ids from sequences, never IDENTITY: an IDENTITY column makes Hibernate insert each row on its own at once,
--     which rules out JDBC insert batching; a sequence lets ids be fetched ahead and inserts be batched.
-- Constraints carry explicit names: the adapter recognises unique violations by these names.

CREATE TABLE users (
    id                  UUID                        NOT NULL,
    email               VARCHAR(254)                NOT NULL,
    -- The e-mail in lower case: two addresses that differ only in case are the same account.
    email_normalized    VARCHAR(254)                NOT NULL,
    -- Django's pbkdf2_sha256$iterations$salt$hash; NULL for users managed by a trusted backend.
    password            VARCHAR(255),
    fullname            VARCHAR(255)                NOT NULL,
    phone_number        VARCHAR(32),
    country_code        VARCHAR(32),
    gender              VARCHAR(32),
    date_of_birth       DATE,
    profile_photo       VARCHAR(1024),
    account_type        VARCHAR(64)                 NOT NULL,
    is_active           BOOLEAN                     NOT NULL,
    is_email_verified   BOOLEAN                     NOT NULL,
    is_phone_verified   BOOLEAN                     NOT NULL,
    is_profile_complete BOOLEAN                     NOT NULL,
    is_staff            BOOLEAN                     NOT NULL,
    is_admin            BOOLEAN                     NOT NULL,
    is_superuser        BOOLEAN                     NOT NULL,
    last_login          TIMESTAMP(6) WITH TIME ZONE,
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    -- E-mail addresses are unique ignoring case; its index also serves log-in by e-mail.
    CONSTRAINT uq_users_email_normalized UNIQUE (email_normalized)
);

-- Threads are created rarely (once per pair of people), so their sequence hands out one id at a time: ids then
-- follow creation order even when several servers share the database.
CREATE SEQUENCE chat_threads_id_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE chat_threads (
    id             BIGINT                      NOT NULL,
    -- The two people in the canonical order of the domain's Participants (first < second), so that a pair has
    -- exactly one representation whoever writes first.
    first_user_id  UUID                        NOT NULL,
    second_user_id UUID                        NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_chat_threads PRIMARY KEY (id),
    CONSTRAINT fk_chat_threads_first_user FOREIGN KEY (first_user_id) REFERENCES users (id),
    CONSTRAINT fk_chat_threads_second_user FOREIGN KEY (second_user_id) REFERENCES users (id),
    -- One thread per pair, even when two first messages race (in one server or several): the loser's insert
    -- fails on this constraint and it reads the winner's thread. Its index also serves every lookup by pair and
    -- every "threads of a user" lookup on first_user_id (its leading column).
    CONSTRAINT uq_chat_threads_participants UNIQUE (first_user_id, second_user_id),
    CONSTRAINT ck_chat_threads_two_people CHECK (first_user_id <> second_user_id)
);

-- "Threads of a user" also looks a user up as the second participant, which the unique index above cannot serve.
CREATE INDEX ix_chat_threads_second_user ON chat_threads (second_user_id);

-- Messages are the hot insert path. The sequence steps by 50 and Hibernate's pooled optimizer uses the same
-- allocation size (MessageEntity): one sequence call hands a server 50 ids, so inserts need no extra round trip
-- for their id and can later be sent as JDBC batches. Within one server ids grow with time; servers sharing
-- the database each draw from their own block of 50.
CREATE SEQUENCE messages_id_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE messages (
    id                  BIGINT                      NOT NULL,
    thread_id           BIGINT                      NOT NULL,
    sender_id           UUID                        NOT NULL,
    receiver_id         UUID                        NOT NULL,
    -- The seed API's message_type: text, file or user_profile.
    message_type        VARCHAR(16)                 NOT NULL,
    -- The text of a text message, the caption of a file message (NULL or empty when none).
    body                TEXT,
    -- The attachment of a file message: the server-chosen storage key, the sender's file name (data only),
    -- the exact size and the detected media type.
    storage_key         VARCHAR(255),
    file_name           TEXT,
    size_bytes          BIGINT,
    content_type        VARCHAR(255),
    -- The user whose profile a user_profile message shares.
    attached_profile_id UUID,
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_messages PRIMARY KEY (id),
    CONSTRAINT fk_messages_thread FOREIGN KEY (thread_id) REFERENCES chat_threads (id),
    CONSTRAINT fk_messages_sender FOREIGN KEY (sender_id) REFERENCES users (id),
    CONSTRAINT fk_messages_receiver FOREIGN KEY (receiver_id) REFERENCES users (id),
    CONSTRAINT fk_messages_attached_profile FOREIGN KEY (attached_profile_id) REFERENCES users (id),
    CONSTRAINT ck_messages_two_people CHECK (sender_id <> receiver_id),
    -- Each kind of message carries exactly its own content, so no row can be read back as a broken message.
    CONSTRAINT ck_messages_content CHECK (
        (message_type = 'text'
            AND body IS NOT NULL
            AND storage_key IS NULL AND file_name IS NULL AND size_bytes IS NULL AND content_type IS NULL
            AND attached_profile_id IS NULL)
        OR (message_type = 'file'
            AND storage_key IS NOT NULL AND file_name IS NOT NULL AND size_bytes >= 0 AND content_type IS NOT NULL
            AND attached_profile_id IS NULL)
        OR (message_type = 'user_profile'
            AND storage_key IS NULL AND file_name IS NULL AND size_bytes IS NULL AND content_type IS NULL
            AND attached_profile_id IS NOT NULL))
);

-- A thread's history page (WHERE thread_id = ? AND id < ? ORDER BY id DESC LIMIT n) and its catch-up page
-- (id > ? ORDER BY id) are range scans of this index, and so is "the latest message of a thread" (MAX(id) per
-- thread_id) that the thread list needs for every thread of a user. No other message lookup exists: messages
-- are never searched by sender or receiver, and users are never deleted, so the other foreign keys need no index.
CREATE INDEX ix_messages_thread_id_id ON messages (thread_id, id);
