"""Full-text search over instances: the query model, tokenising, and a scan fallback."""
