"""Evaluation, benchmarks and training tools: apart from the runtime, which never imports them.

The command line imports them lazily (``shopbot eval ...``, ``shopbot bench ...``).
"""
