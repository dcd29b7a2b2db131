-- The timeline of a market and the names merged into it (a JSON array):
-- its responses in the order they were made.
-- With the data version the rows were read at, in one round trip: the left
-- join keeps q's order, and `no_rows` marks its filler when q is empty.
WITH v AS MATERIALIZED (SELECT version FROM data_state),
  q AS MATERIALIZED (
    SELECT *
    FROM response_rows
    WHERE seq IN (SELECT response_seq FROM response_targets
      WHERE target = ANY(ARRAY(SELECT json_array_elements_text($1::json))))
      AND delete_time IS NULL
    ORDER BY stated_on_key, seq
    LIMIT 10000)
SELECT v.version, q IS NULL AS no_rows, q.*
FROM v LEFT JOIN q ON true;
