-- One-time invitations (only a SHA-256 of the token is kept) and the outbox
-- that holds e-mails when no SMTP server is configured.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    created BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    used BIGINT
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE INDEX outbox_group ON outbox (group_id, created);
