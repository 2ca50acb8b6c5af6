-- The certificates' index in person order covers the certificate's id too (issue 13).
--
-- enterprise_ratio_by_day (the trends, the province report's eight quarter ends) joins each
-- certificate to its registrations by id (`reg.certificate_id = c.id`, whether or not registered
-- certificates alone count), so certificate_person_idx (person) INCLUDE (level, issued_on,
-- revoked_on) could not answer it alone. Once the certificates outgrow work_mem's hash, the
-- planner merges them in person order instead, and without the id in the index it reads every
-- certificate's row from the heap: at 1,500,000 certificates (scripts/bench --scale 5) the index
-- scan took 1.32 s of the province report's 3.6 s trend, against 0.15 s index-only. At 300,000 it
-- hashed them (0.08 s). Nothing else changes: every reader of the old index (the ratio's merge,
-- one person's certificates) reads this one, the same key with one more included column.
CREATE INDEX certificate_person_cover_idx ON certificate (person_id) INCLUDE (level, issued_on, revoked_on, id);
DROP INDEX certificate_person_idx;

COMMENT ON INDEX certificate_person_cover_idx IS
    'certificate in person order with everything the ratio reads, id included (the registrations'' join): '
    'enterprise_ratio_on and enterprise_ratio_by_day merge it with employment_person_cover_idx index-only (sql/0032).';
COMMENT ON INDEX employment_person_cover_idx IS
    'employment in person order with all the ratio reads: enterprise_ratio_on and its kin merge it with '
    'certificate_person_cover_idx and group the (person, enterprise) pairs as they stream (sql/0018, sql/0032).';
