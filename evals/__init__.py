"""Evaluation, apart from the runtime: it imports `bot` and `retrieval`, never the reverse."""
