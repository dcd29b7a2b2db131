-- The timeline of a review year: its responses in the order they were made.
-- With the data version the rows were read at, in one round trip: the left
-- join keeps q's order, and `no_rows` marks its filler when q is empty.
WITH v AS MATERIALIZED (SELECT version FROM data_state),
  q AS MATERIALIZED (
    SELECT *
    FROM response_rows
    WHERE review_year = $1::int
      AND delete_time IS NULL
    ORDER BY stated_on_key, seq
    LIMIT 10000)
SELECT v.version, q IS NULL AS no_rows, q.*
FROM v LEFT JOIN q ON true;
