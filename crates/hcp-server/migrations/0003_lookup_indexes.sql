-- Plain lookup indexes: the unique ones are partial (live rows only), which
-- the planners do not always pick for an equality lookup.
CREATE INDEX hcps_email_lookup ON hcps (group_id, email);
CREATE INDEX hcps_phone_lookup ON hcps (group_id, phone);
