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


# Smoke-sized reasoning settings on tiny models (char-level prompts need max_length 640).
TINY_REASONING = dict(
    weak_model="tiny-random-llama",
    strong_model="tiny-random-qwen2",
    n_train_1=8,
    n_train_2=6,
    n_test=4,
    max_new_tokens=8,
    k_samples=2,
    sft_epochs=1.0,
    pref_epochs=1.0,
    batch_size=4,
    max_length=640,
    stage1_sets=["full_weak", "hybrid"],
)


def write_replay_rows(folder: Path, questions: list[dict]) -> dict:
    """Replay files in the reference's row format for the tiny reasoning tests: the weak
    model is right on questions 0-3, the strong one on 0, 2, 4; their wrong answers differ,
    so they agree (non-empty) on questions 0 and 2 exactly. Returns the config fields."""
    import json

    for name, right, wrong in (("weak", range(4), -1), ("strong", range(0, 6, 2), -2)):
        rows = [
            {
                "id": q["id"],
                "prompt": f"Question: {q['question']}\nAnswer:",
                "response": f"{name} work\n#### {q['gold'] if i in right else wrong}",
            }
            for i, q in enumerate(questions)
        ]
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return {"weak_rows_file": str(folder / "weak.jsonl"), "strong_rows_file": str(folder / "strong.jsonl")}


def tiny_grid(**kw):
    """A classification grid on tiny random models and a little real data (seconds)."""
    from w2s_helpers.classification.config import GridSpec

    base = dict(
        name="tiny",
        datasets=["movie_polarity"],
        models=["tiny-random-bert", "tiny-random-llama"],
        losses=["xent", "logconf"],
        seeds=[0, 1],
        base={"n_train": 120, "n_test": 60, "epochs": 1.0},
    )
    return GridSpec(**{**base, **kw})
