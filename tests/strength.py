"""How hard the property tests push: a quick pass after every change, full strength in CI.

`make test` sets SIGNALS_TEST_STRENGTH=quick; `make test-all` (what CI runs) and a bare
`pytest` run every property at the number of examples written beside it.
"""

from __future__ import annotations

import os

QUICK = os.environ.get("SIGNALS_TEST_STRENGTH", "full") == "quick"


def examples(full_strength: int) -> int:
    """The number of examples to try: as written at full strength, a tenth (at least 3) quickly."""
    return min(full_strength, max(3, full_strength // 10)) if QUICK else full_strength
