-- The text the HCP list's search matches (hcp_core::search::index_text),
-- written by the server with every document. Rows from before this migration
-- get it at the next start (db::backfill_search). Its index is per database:
-- migrations-sqlite/ (FTS5 trigram) and migrations-postgres/ (pg_trgm).
ALTER TABLE hcps ADD COLUMN search TEXT;
