-- A target covers what is filed inside it: a response on
-- reviews/2021/listings/aliexpress counts for markets/aliexpress and for
-- reviews/2021. response_targets holds those roll-up rows too, marked not
-- `direct`, so `targets:"markets/x"` finds them on the same index and
-- exact_targets keeps to the direct ones.
ALTER TABLE response_targets ADD COLUMN direct boolean NOT NULL DEFAULT true;

CREATE FUNCTION target_rollup(targets text[])
RETURNS TABLE (target text, direct boolean)
LANGUAGE sql IMMUTABLE AS $$
  SELECT x.t, bool_or(x.d) FROM (
    SELECT t, true FROM unnest(targets) t
    UNION ALL
    SELECT 'markets/' || m[2], false
      FROM unnest(targets) t,
           regexp_matches(t, '^reviews/([0-9]+)/listings/(.+)$') m
    UNION ALL
    SELECT 'reviews/' || m[1], false
      FROM unnest(targets) t,
           regexp_matches(t, '^reviews/([0-9]+)/listings/(.+)$') m
  ) x(t, d) GROUP BY x.t
$$;

CREATE OR REPLACE FUNCTION index_inserted_response_targets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_targets
      (target, response_seq, stated_on_key, review_year, direct)
    SELECT u.target, n.seq, n.stated_on_key, n.review_year, u.direct
    FROM new_rows n, target_rollup(n.targets) u;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION index_updated_response_targets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM response_targets rt
    USING new_rows n JOIN old_rows o ON o.seq = n.seq
    WHERE rt.response_seq = n.seq
      AND (n.targets <> o.targets OR n.stated_on_key <> o.stated_on_key
           OR n.review_year <> o.review_year);
  INSERT INTO response_targets
      (target, response_seq, stated_on_key, review_year, direct)
    SELECT u.target, n.seq, n.stated_on_key, n.review_year, u.direct
    FROM new_rows n JOIN old_rows o ON o.seq = n.seq, target_rollup(n.targets) u
    WHERE n.targets <> o.targets OR n.stated_on_key <> o.stated_on_key
       OR n.review_year <> o.review_year;
  RETURN NULL;
END;
$$;

DELETE FROM response_targets;
INSERT INTO response_targets
    (target, response_seq, stated_on_key, review_year, direct)
  SELECT u.target, r.seq, r.stated_on_key, r.review_year, u.direct
  FROM responses r, target_rollup(r.targets) u;
