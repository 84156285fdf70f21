"""A policy: a base model and the LoRA adapters of earlier stages, merged in order.

Its identity (the base model's weights and each adapter's artefact id) is what every
generation and later adapter built on it is keyed by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import zoo
from ..core.fileio import atomic_dir
from ..core.hashing import stable_hash
from ..core.paths import cache_dir


@dataclass
class Policy:
    name: str  # what evaluations and plots call it
    model: str  # registry name, hub id or checkpoint folder
    adapters: list[str] = field(default_factory=list)  # adapter folders, merged in order
    source: str = "auto"

    def key(self) -> dict:
        # an adapter folder is <artefact>/adapter; the artefact's name carries the hash of what made it
        return {
            "model": zoo.identity(self.model, self.source),
            "adapters": [Path(a).parent.name for a in self.adapters],
        }


def load_policy(model: str, adapters: Sequence[str] = (), source: str = "auto", dtype=None, **load):
    """The base model with earlier stages' adapters merged in, in order (`load`: device_map,
    load_in_4bit, passed to the loader)."""
    m = zoo.load_causal_lm(model, dtype=dtype, source=source, **load)
    for a in adapters:
        from peft import PeftModel

        m = PeftModel.from_pretrained(m, a).merge_and_unload()
    return m


def merged_checkpoint(policy: Policy) -> Path:
    """A plain checkpoint folder of base + adapters (for engines that take one path, e.g. vLLM),
    keyed by the policy's identity."""
    final = cache_dir() / "merged" / f"{Path(policy.model).name}-{stable_hash(policy.key(), n=12)}"
    if not final.exists():
        with atomic_dir(final) as tmp:
            load_policy(policy.model, policy.adapters, policy.source).save_pretrained(tmp)
            zoo.load_tokenizer(policy.model, source=policy.source).save_pretrained(tmp)
    return final
