-- One writer at a time: every write transaction takes this lock first.
SELECT pg_advisory_xact_lock(hashtext('nml_listings_write'));
