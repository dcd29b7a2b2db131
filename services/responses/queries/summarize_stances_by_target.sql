-- SummarizeStances over a market and the names merged into it (a JSON array): the counts per stance and stakeholder
-- type and, as the last row (the grouping set ()), the totals, which exist
-- even when nothing matches.
-- With the data version the rows were read at, in one round trip: the left
-- join keeps q's order, and `no_rows` marks its filler when q is empty.
WITH v AS MATERIALIZED (SELECT version FROM data_state),
  q AS MATERIALIZED (
    SELECT GROUPING(stance, stakeholder_type) AS totals,
      stance,
      stakeholder_type AS type,
      count(*) AS responses,
      count(DISTINCT stakeholder_id) AS stakeholders
    FROM responses
    WHERE seq IN (SELECT response_seq FROM response_targets
      WHERE target = ANY(ARRAY(SELECT json_array_elements_text($1::json))))
      AND delete_time IS NULL
    GROUP BY GROUPING SETS ((stance, stakeholder_type), ())
    ORDER BY 1, 2, 3)
SELECT v.version, q IS NULL AS no_rows, q.*
FROM v LEFT JOIN q ON true;
