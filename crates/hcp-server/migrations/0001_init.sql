-- One schema for SQLite and PostgreSQL: TEXT ids, BIGINT epoch milliseconds.
CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- Accounts: administrators (granted databases below) and the users linked to HCPs.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups (id),
    login TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    hcp_id TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created BIGINT NOT NULL,
    rev TEXT NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (login);
CREATE INDEX users_hcp ON users (hcp_id);

CREATE TABLE admin_groups (
    user_id TEXT NOT NULL REFERENCES users (id),
    group_id TEXT NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);

-- An HCP is stored as its iCure JSON document plus the columns queries need.
CREATE TABLE hcps (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups (id),
    rev TEXT NOT NULL,
    doc TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    parent_id TEXT,
    is_org BIGINT NOT NULL,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    deleted BIGINT
);
CREATE INDEX hcps_group ON hcps (group_id, id);
CREATE INDEX hcps_parent ON hcps (group_id, parent_id);
CREATE UNIQUE INDEX hcps_email ON hcps (group_id, email) WHERE email IS NOT NULL AND deleted IS NULL;
CREATE UNIQUE INDEX hcps_phone ON hcps (group_id, phone) WHERE phone IS NOT NULL AND deleted IS NULL;

-- Authentication tokens: only a SHA-256 of the value is kept.
CREATE TABLE auth_tokens (
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (user_id, name)
);
CREATE UNIQUE INDEX auth_tokens_hash ON auth_tokens (token_hash);
