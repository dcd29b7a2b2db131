-- An operator's declaration that a review's list of one kind is complete,
-- as the source URL that says so; '' when none (the counts decide).
ALTER TABLE reviews
  ADD COLUMN online_complete_source_url text NOT NULL DEFAULT '',
  ADD COLUMN physical_complete_source_url text NOT NULL DEFAULT '';
