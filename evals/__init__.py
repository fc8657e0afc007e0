"""Evaluation, benchmarks and load tools: they import the runtime (`bot`, `retrieval`, `ui`),
which never imports them."""
