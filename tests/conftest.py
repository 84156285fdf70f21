import os
from pathlib import Path

import pytest

# Never reach for a hub in tests: local loading works at once, a hub name fails at once.
for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
GAIR = REPO.parent / "shared" / "data" / "gair"


@pytest.fixture
def gair() -> Path:
    """The reasoning reference's files (../shared/data/gair); skip where absent."""
    if not GAIR.exists():
        pytest.skip(f"{GAIR} not present")
    return GAIR
