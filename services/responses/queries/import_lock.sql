SELECT pg_advisory_xact_lock(hashtext('nml_responses_import'));
