-- Patients and devices as data owners: their public keys (an HCP's live in
-- its document) and who created them.
CREATE TABLE data_owners (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    public_keys TEXT NOT NULL,
    key_certificates TEXT NOT NULL,
    created_by TEXT,
    created BIGINT NOT NULL,
    deleted BIGINT
);

-- Encrypted entities (patients, visits, Healthcare Elements, Notifications,
-- devices): the document holds only ciphertext and clear metadata.
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    group_id TEXT NOT NULL,
    rev TEXT NOT NULL,
    author TEXT NOT NULL,
    status TEXT,
    doc TEXT NOT NULL,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    deleted BIGINT
);
-- Who may read (and write) each entity: its delegations, as an index the
-- access checks and lists use; the document's securityMetadata is the source.
CREATE TABLE entity_access (
    entity_id TEXT NOT NULL,
    data_owner TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (entity_id, data_owner)
);
CREATE INDEX entity_access_owner ON entity_access (data_owner, entity_id);
-- Secret foreign keys: a patient's children, found without naming the patient.
CREATE TABLE entity_links (
    secret_key TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (secret_key, entity_id)
);
CREATE INDEX entity_links_entity ON entity_links (entity_id);

-- One exchange data per (delegator, delegate): the wrapped exchange keys.
CREATE TABLE exchange_data (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    delegator TEXT NOT NULL,
    delegate TEXT NOT NULL,
    rev TEXT NOT NULL,
    doc TEXT NOT NULL,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);
CREATE UNIQUE INDEX exchange_data_pair ON exchange_data (delegator, delegate);
