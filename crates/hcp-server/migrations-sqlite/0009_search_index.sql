-- A trigram full-text index over hcps.search (external content: the text is
-- stored once, in hcps). Triggers keep it in step with every write; a phrase
-- query of three characters or more finds the rows holding it as a substring.
-- It is keyed by hcps' implicit rowid, which only VACUUM renumbers: after a
-- VACUUM, run INSERT INTO hcps_search(hcps_search) VALUES ('rebuild').
CREATE VIRTUAL TABLE hcps_search USING fts5(search, content = 'hcps', content_rowid = 'rowid', tokenize = 'trigram');

CREATE TRIGGER hcps_search_insert AFTER INSERT ON hcps WHEN new.search IS NOT NULL BEGIN
    INSERT INTO hcps_search (rowid, search) VALUES (new.rowid, new.search);
END;

CREATE TRIGGER hcps_search_delete AFTER DELETE ON hcps WHEN old.search IS NOT NULL BEGIN
    INSERT INTO hcps_search (hcps_search, rowid, search) VALUES ('delete', old.rowid, old.search);
END;

CREATE TRIGGER hcps_search_update AFTER UPDATE OF search ON hcps WHEN old.search IS NOT new.search BEGIN
    INSERT INTO hcps_search (hcps_search, rowid, search)
        SELECT 'delete', old.rowid, old.search WHERE old.search IS NOT NULL;
    INSERT INTO hcps_search (rowid, search)
        SELECT new.rowid, new.search WHERE new.search IS NOT NULL;
END;
