-- The stakeholder each name (display name or alias, any case) belongs to;
-- the smallest id when more than one has it.
-- Each imported stakeholder name's existing stakeholder, by display name or
-- alias, case-insensitively.
SELECT DISTINCT ON (n.name) n.name,
  k.id
FROM json_array_elements_text($1::json) AS n(name)
JOIN (
    SELECT id, lower(display_name) AS key FROM stakeholders
    UNION ALL
    SELECT id, lower(a) FROM stakeholders, unnest(aliases) a
  ) k ON k.key = lower(n.name)
ORDER BY n.name, k.id;
