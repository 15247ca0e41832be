-- Accounts have a kind: an administrator, or the user of exactly one data
-- owner (an HCP now; patients and devices come with the data-owner tables).
-- The server reads the role from `kind` and checks the link matches it.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'hcp';
ALTER TABLE users ADD COLUMN patient_id TEXT;
ALTER TABLE users ADD COLUMN device_id TEXT;
-- Who created the user: an HCP user manages the users it created.
ALTER TABLE users ADD COLUMN created_by TEXT;
UPDATE users SET kind = 'admin' WHERE hcp_id IS NULL;
-- An administrator's databases are all granted explicitly, its own included,
-- so the database a user sits in never grants anything by itself.
INSERT INTO admin_groups (user_id, group_id)
    SELECT u.id, u.group_id FROM users u
    WHERE u.kind = 'admin'
      AND NOT EXISTS (SELECT 1 FROM admin_groups g WHERE g.user_id = u.id AND g.group_id = u.group_id);
CREATE INDEX users_created_by ON users (created_by);

-- Sessions: every access and refresh token names one. Revoking a session
-- refuses both at once. The refresh token rotates on use: only the one whose
-- id is `refresh_jti` is valid, and presenting an older one revokes the session.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    refresh_jti TEXT NOT NULL,
    -- The authentication token used as the password, when one was.
    auth_token TEXT,
    created BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    revoked BIGINT,
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- The login throttle: attempts per key (an account, or a client address or
-- IPv6 /64) in a fixed window. Counted before the password is checked, in
-- the database so every server process counts the same attempts.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- An outbox message knows its invitation, so its link is withdrawn once the
-- invitation is used, expired, superseded or purged.
ALTER TABLE outbox ADD COLUMN invitation_id TEXT;
CREATE INDEX invitations_user ON invitations (user_id);
