"""sqlite_utils, loaded without numpy: sqlite_utils imports numpy when it can (to map
numpy types to column types, which the store never writes), and numpy is installed
for the learned model. That import was a tenth of a poll's start-up (~0.1 s) and of
every command that opens the store. Imported first by curator.store; numpy loads as
usual for whoever needs it afterwards."""

from __future__ import annotations

import sys


def _load_without_numpy() -> None:
    if "numpy" in sys.modules or "sqlite_utils" in sys.modules:
        return  # already paid for, or too late to help
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_load_without_numpy()
