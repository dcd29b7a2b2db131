SELECT version,
  changes_after
FROM data_state;
