"""Prompting baselines (Burns et al. sec. 5.2.1): a causal LM scores each class by the
next-token probability of its label word after a zero- or few-shot prompt, with no training.

The instruction and the demonstrations are the same for every query, so they run once and
their KV cache is reused for every batch of queries; only the queries' own tokens are
computed per batch. The prompt is tokenized in those two pieces, split at the blank line
before the query, where byte-level BPE tokenizers split anyway (a sentencepiece tokenizer
that prefixes every piece with a space sees " Review" there). Scores are cached as
parquet, keyed by everything that changes them.

from w2s_helpers.classification import prompting
t = prompting.template_for("movie_sentiment")
demos = prompting.pick_demos(train_texts, train_labels, k=8, seed=0)
probs = prompting.prompt_scores("qwen2.5-0.5b", t, demos, test_texts, cache_dir=root)
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .. import zoo
from ..core.compute import resolve_dtype
from ..core.fileio import atomic_path
from ..core.hashing import stable_hash
from .data.registry import TASKS, is_file_dataset
from .methods import is_causal  # noqa: F401  (only causal LMs can be prompted)

PROMPTING_VERSION = 1  # bump when a change to this module changes the scores


@dataclass(frozen=True)
class PromptTemplate:
    """How one example becomes a prompt. `label_words[k]` is class k's answer; each should
    begin with a space, since the prompt ends with `answer_prefix` and no trailing space."""

    instruction: str
    text_prefix: str
    answer_prefix: str
    label_words: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "label_words", tuple(self.label_words))
        if len(self.label_words) < 2 or len(set(self.label_words)) != len(self.label_words):
            raise ValueError(f"label_words {self.label_words!r}: expected two or more distinct words")


_SENTIMENT = (
    "Is this movie review positive or negative?",
    "Review: ",
    "Sentiment:",
    (" negative", " positive"),
)
# what label 1 means in each task (data/offline.py, data/hub.py)
_TEMPLATES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "movie_sentiment": _SENTIMENT,  # 1: mean human rating above zero
    "movie_polarity": _SENTIMENT,  # 1: a positive review sentence
    "sst2": _SENTIMENT,
    "amazon_polarity": (
        "Is this product review positive or negative?",
        "Review: ",
        "Sentiment:",
        _SENTIMENT[3],
    ),
    "sarcasm": (
        "Is this news headline sarcastic?",
        "Headline: ",
        "Sarcastic:",
        (" no", " yes"),
    ),  # 1: sarcastic
    # the text already reads "Passage: ...\nQuestion: ..."; 1: the answer is yes
    "boolq": ("Answer the question about the passage with yes or no.", "", "Answer:", (" no", " yes")),
}


def template_for(dataset: str, label_words: list[str] | None = None, n_classes: int = 2) -> PromptTemplate:
    """The prompt of a registry task (its own label words unless `label_words` is given), or
    for a user's file the generic "Text: ...\\nLabel:" with label words " 0" / " 1" (or the
    given ones). A task with no template, or K > 2 classes, needs `label_words`."""
    if label_words is not None and len(label_words) != n_classes:
        raise ValueError(f"{dataset}: {len(label_words)} label_words for {n_classes} classes")
    if dataset in _TEMPLATES and n_classes == 2:
        instruction, text_prefix, answer_prefix, words = _TEMPLATES[dataset]
        return PromptTemplate(instruction, text_prefix, answer_prefix, tuple(label_words or words))
    if label_words is None and (n_classes != 2 or not is_file_dataset(dataset)):
        what = f"{n_classes} classes" if n_classes != 2 else "no prompt template"
        known = "a registry task" if dataset in TASKS else "not a registry task or a data file"
        raise ValueError(
            f"dataset {dataset!r} ({known}) has {what}: pass label_words, one word per class in "
            f"label order with a leading space (e.g. [' no', ' yes']); templates exist for {sorted(_TEMPLATES)}"
        )
    return PromptTemplate("", "Text: ", "Label:", tuple(label_words or (" 0", " 1")))


def _head(template: PromptTemplate) -> str:
    return f"{template.instruction}\n\n" if template.instruction else ""


def _demo(template: PromptTemplate, text: str, label: int) -> str:
    return f"{_query(template, text)}{template.label_words[label]}\n\n"


def _query(template: PromptTemplate, text: str) -> str:
    return f"{template.text_prefix}{text}\n{template.answer_prefix}"


def build_prompt(template: PromptTemplate, demos: list[tuple[str, int]], text: str) -> str:
    """The instruction and a blank line, each demonstration (text, its answer, a blank line),
    then the query, ending with `answer_prefix`: the next token is the answer."""
    return _head(template) + "".join(_demo(template, t, y) for t, y in demos) + _query(template, text)


def pick_demos(texts: Sequence[str], labels: Sequence[int], k: int, seed: int) -> list[tuple[str, int]]:
    """k demonstrations from the pool, balanced over classes when each has k // K of them
    (the rest drawn at random), in a shuffled order: a prompt whose demos all share one
    label biases the model towards it."""
    if not 0 <= k <= len(texts) or len(texts) != len(labels):
        raise ValueError(f"k={k} demonstrations from a pool of {len(texts)} texts and {len(labels)} labels")
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels, dtype=int)
    classes = np.unique(labels)
    per = k // max(len(classes), 1)
    if all((labels == c).sum() >= per for c in classes):
        chosen = [i for c in classes for i in rng.choice(np.flatnonzero(labels == c), per, replace=False)]
    else:
        chosen = []
    rest = np.setdiff1d(np.arange(len(texts)), chosen)
    chosen += list(rng.choice(rest, k - len(chosen), replace=False))
    return [(texts[i], int(labels[i])) for i in rng.permutation(chosen)]


def score_key(model_name, template, demos, texts, max_length, source, dtype) -> str:
    """Which weights, which prompt (template and demos), which texts, which truncation and
    which arithmetic ("auto" as it resolved here)."""
    fields = {
        "model": zoo.identity(model_name, source),
        "template": template,
        "demos": [[t, int(y)] for t, y in demos],
        "texts": stable_hash(list(texts), n=16),
        "max_length": max_length,
        "dtype": resolve_dtype(dtype),
        "version": PROMPTING_VERSION,
    }
    return stable_hash(fields, n=16)


def prompt_scores(
    model_name: str,
    template: PromptTemplate,
    demos: list[tuple[str, int]],
    texts: Sequence[str],
    *,
    max_length: int = 128,
    source: str = "auto",
    dtype: str = "auto",
    batch_size: int = 16,
    cache_dir: Path | None = None,
    desc: str = "",
) -> np.ndarray:
    """[n, K] class probabilities: a softmax over the K label words' next-token
    log-probabilities (each word's first token) after `build_prompt(template, demos, text)`.
    Demo and query texts are cut to `max_length` of their own tokens first. With
    `cache_dir`, a second call with the same inputs reads the stored scores."""
    path = None
    if cache_dir is not None:
        path = (
            Path(cache_dir)
            / f"{score_key(model_name, template, demos, texts, max_length, source, dtype)}.parquet"
        )
        if path.exists():
            import pandas as pd

            return pd.read_parquet(path).to_numpy(dtype=np.float64)
    logp = _label_logprobs(model_name, template, demos, texts, max_length, source, dtype, batch_size, desc)
    probs = np.exp(logp - logp.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    if path is not None:
        import pandas as pd

        with atomic_path(path) as tmp:
            pd.DataFrame(probs, columns=[f"p{k}" for k in range(probs.shape[1])]).to_parquet(tmp)
    return probs


def _truncate(tok, text: str, max_length: int) -> str:
    """`text` cut to its first `max_length` tokens, cut in the string (offsets) so that the
    prompt around it tokenizes as it would anyway."""
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=tok.is_fast)
    if len(enc["input_ids"]) <= max_length:
        return text
    if tok.is_fast:
        return text[: enc["offset_mapping"][max_length - 1][1]]
    return tok.decode(enc["input_ids"][:max_length])


def label_token_ids(tok, template: PromptTemplate) -> list[int]:
    """The first token of each label word; two words sharing one could not be told apart."""
    tokens = [tok(w, add_special_tokens=False)["input_ids"] for w in template.label_words]
    if not all(tokens):
        raise ValueError(f"label words {template.label_words!r}: each needs at least one token")
    ids = [t[0] for t in tokens]
    if len(set(ids)) != len(ids):
        shared = [w for w, i in zip(template.label_words, ids, strict=True) if ids.count(i) > 1]
        raise ValueError(f"label words {shared} share their first token: choose words that differ there")
    return ids


def _label_logprobs(
    model_name, template, demos, texts, max_length, source, dtype, batch_size, desc
) -> np.ndarray:
    import torch

    tok = zoo.load_tokenizer(model_name, padding_side="right", source=source)
    labels = label_token_ids(tok, template)
    demos = [(_truncate(tok, t, max_length), y) for t, y in demos]
    prefix = _head(template) + "".join(_demo(template, t, y) for t, y in demos)
    # the tokenizer's leading special tokens (a BOS, or none), then the shared prefix
    prefix_ids = (
        tok("", add_special_tokens=True)["input_ids"] + tok(prefix, add_special_tokens=False)["input_ids"]
    )
    queries = [
        tok(_query(template, _truncate(tok, t, max_length)), add_special_tokens=False)["input_ids"]
        for t in texts
    ]
    model = zoo.load_causal_lm(model_name, dtype=dtype, source=source).eval()
    if torch.cuda.is_available():
        model = model.cuda()
    device = model.get_input_embeddings().weight.device
    keep_logits = "logits_to_keep" in inspect.signature(model.forward).parameters
    out = np.empty((len(texts), len(labels)))
    order = sorted(range(len(queries)), key=lambda i: -len(queries[i]))  # little padding per batch
    with torch.inference_mode():
        cache, n_prefix = None, len(prefix_ids)
        if n_prefix:
            cache = model(torch.tensor([prefix_ids], device=device), use_cache=True).past_key_values
        for start in tqdm(
            range(0, len(order), batch_size), desc=desc or f"prompting {model_name}", leave=False
        ):
            idx = order[start : start + batch_size]
            batch = tok.pad({"input_ids": [queries[i] for i in idx]}, return_tensors="pt").to(device)
            ids, mask = batch["input_ids"], batch["attention_mask"]
            b, length = ids.shape
            kw = {}
            if cache is not None:
                past = copy.deepcopy(cache)  # the forward pass appends to it
                past.batch_repeat_interleave(b)
                kw["past_key_values"] = past
            mask = torch.cat([torch.ones(b, n_prefix, dtype=mask.dtype, device=device), mask], 1)
            positions = torch.arange(n_prefix, n_prefix + length, device=device).expand(b, -1)
            last = batch["attention_mask"].sum(1) - 1  # each row's last real token (right padding)
            if keep_logits:  # the LM head on the batch's distinct last positions only
                keep, col = torch.unique(last, return_inverse=True)
                kw["logits_to_keep"] = keep
            else:
                col = last
            logits = model(
                input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, **kw
            ).logits
            logits = logits[torch.arange(b, device=device), col].float()
            out[idx] = torch.log_softmax(logits, -1)[:, labels].cpu().numpy()
    return out
