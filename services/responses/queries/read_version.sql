SELECT version
FROM data_state;
