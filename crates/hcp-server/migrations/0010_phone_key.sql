-- A mobile number's digits reversed (hcp_core::search::phone_key): a phone
-- search is a range of this B-tree (the numbers ending with its digits).
-- The phone left the trigram search text, so every text is made again at the
-- next start (db::backfill_search).
ALTER TABLE hcps ADD COLUMN phone_key TEXT;
CREATE INDEX hcps_phone_key ON hcps (group_id, phone_key);
UPDATE hcps SET search = NULL;
