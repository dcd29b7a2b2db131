-- `targets:"x"` in the default order walked the GIN index to every response
-- naming x and sorted them all for one page: flat for a market named by a
-- few responses, not for `reviews/2021`, which every response on that
-- review names. One row per (target, response), kept by the trigger below,
-- with the order keys copied, lets a page read only its own rows in order.
CREATE TABLE response_targets (
  target text NOT NULL,
  response_seq bigint NOT NULL REFERENCES responses (seq) ON DELETE CASCADE,
  stated_on_key text NOT NULL,
  review_year integer NOT NULL,
  PRIMARY KEY (target, response_seq)
);
CREATE INDEX response_targets_stated_on
  ON response_targets (target, stated_on_key, response_seq);
CREATE INDEX response_targets_review_year
  ON response_targets (target, review_year, response_seq);
-- The cascade from responses looks rows up by response.
CREATE INDEX response_targets_response ON response_targets (response_seq);

INSERT INTO response_targets (target, response_seq, stated_on_key, review_year)
  SELECT DISTINCT t, r.seq, r.stated_on_key, r.review_year
  FROM responses r, unnest(r.targets) t;

-- Statement-level, so an import's set-based insert indexes its rows in one
-- statement too.
CREATE FUNCTION index_inserted_response_targets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_targets (target, response_seq, stated_on_key, review_year)
    SELECT DISTINCT t, n.seq, n.stated_on_key, n.review_year
    FROM new_rows n, unnest(n.targets) t;
  RETURN NULL;
END;
$$;
CREATE TRIGGER responses_index_inserted_targets
  AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_inserted_response_targets();

CREATE FUNCTION index_updated_response_targets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM response_targets rt
    USING new_rows n JOIN old_rows o ON o.seq = n.seq
    WHERE rt.response_seq = n.seq
      AND (n.targets <> o.targets OR n.stated_on_key <> o.stated_on_key
           OR n.review_year <> o.review_year);
  INSERT INTO response_targets (target, response_seq, stated_on_key, review_year)
    SELECT DISTINCT t, n.seq, n.stated_on_key, n.review_year
    FROM new_rows n JOIN old_rows o ON o.seq = n.seq, unnest(n.targets) t
    WHERE n.targets <> o.targets OR n.stated_on_key <> o.stated_on_key
       OR n.review_year <> o.review_year;
  RETURN NULL;
END;
$$;
CREATE TRIGGER responses_index_updated_targets
  AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_updated_response_targets();
