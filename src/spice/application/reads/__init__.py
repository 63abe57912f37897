"""Answering reads: documents, search, graph queries and the class relationship graph."""
