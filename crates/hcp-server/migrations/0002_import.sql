-- The stored answer of each import batch, by idempotency key: a replay
-- returns it and creates nothing. Written in the batch's own transaction.
CREATE TABLE import_batches (
    group_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    response TEXT NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (group_id, idempotency_key)
);
