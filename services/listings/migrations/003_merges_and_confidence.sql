-- A merged-away market's id stays resolvable: the survivor keeps the ids
-- merged into it, so Get on an old name finds the survivor and no new
-- market takes an old id.
ALTER TABLE markets ADD COLUMN merged_ids text[] NOT NULL DEFAULT '{}';
-- How sure the cited source is (data/markets.csv's `confidence`):
-- 0 not given, 1 high, 2 medium, 3 low.
ALTER TABLE listings ADD COLUMN confidence smallint NOT NULL DEFAULT 0
  CHECK (confidence BETWEEN 0 AND 3);
