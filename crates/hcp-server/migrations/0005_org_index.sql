-- The organizations of a database (every import batch reads them) had no
-- index of their own, so the lookup walked every HCP of the group. The plain
-- email/phone lookup indexes duplicate the partial unique ones, which both
-- planners use for `deleted IS NULL AND x IN (...)`; they only slowed inserts.
CREATE INDEX hcps_orgs ON hcps (group_id) WHERE is_org = 1 AND deleted IS NULL;
DROP INDEX hcps_email_lookup;
DROP INDEX hcps_phone_lookup;
