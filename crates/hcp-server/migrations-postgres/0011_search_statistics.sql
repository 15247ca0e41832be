-- A search orders by id and stops at a page: a needle found in one row of
-- twenty is answered fastest by walking the ids, a rare one through the
-- trigram index, and the planner tells them apart by the histogram of
-- `search`. With the default 100 entries, needles held by 5% of 166,000
-- rows ("anne", "lea") were estimated at 17 rows, planned as rare and took
-- 35 ms instead of 0.7 ms; with 300 every needle of the load test was
-- estimated within a factor of two. `doc` is never filtered: no statistics.
ALTER TABLE hcps ALTER COLUMN search SET STATISTICS 300;
ALTER TABLE hcps ALTER COLUMN doc SET STATISTICS 0;
