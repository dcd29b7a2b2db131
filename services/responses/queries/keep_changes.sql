UPDATE data_state
SET changes_retained = $1
WHERE changes_retained <> $1;
