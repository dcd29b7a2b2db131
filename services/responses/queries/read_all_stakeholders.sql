-- With the data version the rows were read at, in one round trip: the left
-- join keeps q's order, and `no_rows` marks its filler when q is empty.
WITH v AS MATERIALIZED (SELECT version FROM data_state),
  q AS MATERIALIZED (SELECT * FROM stakeholder_rows ORDER BY id)
SELECT v.version, q IS NULL AS no_rows, q.*
FROM v LEFT JOIN q ON true;
