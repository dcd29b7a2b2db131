UPDATE data_state
SET last_import_time = (timestamptz 'epoch' + $1::bigint * interval '1 microsecond');
