-- What a read returns, named once: the statements in queries/*.sql select
-- from these views, and ReadResponse and ReadStakeholder read their columns
-- by name. (Views are expanded where they are used, so a filter on a view
-- column still reaches the table's indexes.)
CREATE VIEW stakeholder_rows AS
SELECT id,
  display_name,
  to_json(aliases)::text AS aliases_json,
  type,
  country_code,
  revision,
  (extract(epoch FROM create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM update_time) * 1000000)::bigint AS update_us
FROM stakeholders;

-- The last columns are a page's order keys (seq, stated_on_key,
-- review_year_key) and what filters compare (targets, stakeholder_type,
-- delete_time).
CREATE VIEW response_rows AS
SELECT r.id,
  r.stakeholder_id,
  r.review_year,
  to_json(r.targets)::text AS targets_json,
  r.stance,
  r.summary,
  r.quote,
  to_json(r.commitments)::text AS commitments_json,
  r.channel,
  coalesce(r.stated_year, 0) AS stated_year,
  r.stated_month,
  r.stated_day,
  r.source_url,
  r.revision,
  (extract(epoch FROM r.create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM r.update_time) * 1000000)::bigint AS update_us,
  (extract(epoch FROM r.delete_time) * 1000000)::bigint AS delete_us,
  s.display_name AS stakeholder_display_name,
  r.stakeholder_type,
  r.seq,
  r.stated_on_key,
  r.review_year::text AS review_year_key,
  r.targets,
  r.delete_time
FROM responses r
JOIN stakeholders s ON s.id = r.stakeholder_id;
