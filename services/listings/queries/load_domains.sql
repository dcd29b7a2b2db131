SELECT market_id,
  pattern,
  scope
FROM market_domains
ORDER BY market_id, position;
