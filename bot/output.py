"""What commands print on stdout: exactly one JSON document (or one JSON line per record)."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """Print one JSON document on stdout (one line)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()
