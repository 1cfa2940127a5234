-- Contract §13: when each user's last connection closed ("last_seen"), kept across restarts. Written when a user goes
-- offline, never per message: one row per user who has gone offline at least once, updated in place.
CREATE TABLE user_last_seen (
    user_id   UUID                        NOT NULL,
    last_seen TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_user_last_seen PRIMARY KEY (user_id),
    CONSTRAINT fk_user_last_seen_user FOREIGN KEY (user_id) REFERENCES users (id)
);
