-- The response's row only (its stakeholder's is not the writer's to lock);
-- get_response then reads it as locked.
SELECT id
FROM responses
WHERE id = $1
FOR UPDATE;
