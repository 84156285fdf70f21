"""Every hub-only causal LM of the registry is a native transformers architecture whose
published sizes (`arch`) build, on the meta device, exactly the parameter count the entry
declares; and every model a shipped grid names is one of them, a tiny random model or an
offline package, never remote code."""

import pytest
import yaml

from conftest import REPO
from w2s_helpers import zoo

ARCH = [s for s in zoo.MODELS.values() if isinstance(s, zoo.ModelSpec) and s.arch]
HUB_ONLY = [
    s
    for s in zoo.MODELS.values()
    if isinstance(s, zoo.ModelSpec) and s.modality == "causal-lm" and s.online and s.offline is None
]


def build_on_meta(arch: dict, causal: bool = True):
    import torch
    from transformers import AutoConfig, AutoModel, AutoModelForCausalLM

    kw = dict(arch)
    cfg = AutoConfig.for_model(kw.pop("model_type"), **kw)
    with torch.device("meta"):
        return (AutoModelForCausalLM if causal else AutoModel).from_config(cfg)


def test_every_hub_only_causal_lm_has_its_arch():
    assert HUB_ONLY and all(s.arch for s in HUB_ONLY), [s.name for s in HUB_ONLY if not s.arch]
    assert not [s.name for s in zoo.MODELS.values() if getattr(s, "trust_remote_code", False)]


@pytest.mark.parametrize("spec", ARCH, ids=lambda s: s.name)
def test_arch_builds_natively_with_the_declared_parameter_count(spec):
    from transformers import CONFIG_MAPPING

    assert spec.arch["model_type"] in CONFIG_MAPPING  # native: no remote code
    n = sum(p.numel() for p in build_on_meta(spec.arch).parameters())
    assert abs(n / 1e6 - spec.params_m) <= 0.5, f"{spec.name}: {n / 1e6:.1f}M"  # the count, to the million


@pytest.mark.parametrize("spec", ARCH, ids=lambda s: s.name)
def test_sizes_are_derived_from_the_arch(spec):
    cfg = build_on_meta(spec.arch).config
    assert spec.hidden == cfg.hidden_size and spec.layers == cfg.num_hidden_layers
    kv = getattr(cfg, "num_key_value_heads", None) or cfg.num_attention_heads
    assert spec.kv_frac == kv / cfg.num_attention_heads


def test_gemma_is_multi_query_and_the_reasoning_models_are_gated():
    gemma = zoo.get_spec("gemma-2b")
    assert gemma.kv_frac == 0.125 and gemma.size("head_dim") == 256
    for name in ("llama2-7b", "llama2-70b", "mistral-7b", "gemma-2b", "llama3-8b-instruct", "llama3-70b"):
        assert zoo.get_spec(name).gated, name
    assert not any(zoo.get_spec(n).gated for n in ("gpt2", "qwen2.5-7b-base"))


def _grid_models(raw: dict) -> set[str]:
    names = set(raw.get("models") or []) | {m for p in raw.get("pairs") or [] for m in p}
    for sweep in (raw.get("sweep") or {}, *(raw.get("sweeps") or [])):
        if isinstance(sweep, dict):
            for key in ("models", "pairs", "weak_model", "strong_model", "model"):
                for v in sweep.get(key) or []:
                    names |= set(v) if isinstance(v, list) else {v}
    for key in ("weak_model", "strong_model", "model"):
        if (raw.get("base") or {}).get(key):
            names.add(raw["base"][key])
    return names


@pytest.mark.parametrize("path", sorted((REPO / "grids").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_model_a_shipped_grid_names_loads_natively(path):
    from transformers import CONFIG_MAPPING

    names = _grid_models(yaml.safe_load(path.read_text()))
    assert names, path
    for name in names:
        spec = zoo.MODELS[zoo.split_block(name)[0]]  # registered, not an ad-hoc hub id
        if not isinstance(spec, zoo.ModelSpec):
            continue  # an image model: our own implementations
        assert not spec.trust_remote_code, name
        config = spec.arch or spec.random_config
        if config:
            assert config["model_type"] in CONFIG_MAPPING, name
        else:  # an offline package: sentence-transformers folders, or a GGUF transformers converts
            assert spec.offline is not None and spec.offline_format in ("folder", "zip", "gguf"), name
