"""Building read models from the log: documents and graph edges, and the search index."""
