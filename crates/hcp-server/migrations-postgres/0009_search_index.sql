-- A trigram GIN index over hcps.search: `search LIKE '%needle%'` reads it
-- for needles of three characters or more (pg_trgm is a trusted extension
-- since PostgreSQL 13: the database's owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX hcps_search_trgm ON hcps USING gin (search gin_trgm_ops);
