"""Text-model loading: where the weights are, dtype / device_map / 4-bit, the Auto classes.

`model_path` resolves a name to a folder or hub id (assembling an offline model on first
use); `sources.identity` says which weights those are without loading anything.
Nothing here touches architecture-specific attributes.
"""

from __future__ import annotations

import time

from ..core.compute import torch_dtype
from ..core.dist import local_rank, starts_empty, world_size
from .convert import assemble_offline_model
from .registry import text_spec
from .sources import resolve_source
from .tiny import build_tiny_random


def model_path(name: str, source: str = "auto") -> str:
    """Where `from_pretrained` should read `name` from (a folder, or a hub id)."""
    spec = text_spec(name)
    where = resolve_source(spec, source)
    if where == "tiny":
        return str(build_tiny_random(spec))
    if where == "local":
        return name
    if where == "offline":
        return str(assemble_offline_model(spec))
    assert spec.hub_id is not None
    return spec.hub_id


def _hub_kwargs(name: str, source: str) -> dict:
    spec = text_spec(name)
    if resolve_source(spec, source) != "hub":
        return {}
    return {"revision": spec.revision, "trust_remote_code": spec.trust_remote_code}


def load_tokenizer(name: str, padding_side: str = "right", source: str = "auto"):
    """AutoTokenizer with a pad token guaranteed (eos, else unk, else a new [PAD])."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_path(name, source), **_hub_kwargs(name, source))
    if tok.pad_token is None:
        if tok.eos_token is not None:
            tok.pad_token = tok.eos_token
        elif tok.unk_token is not None:
            tok.pad_token = tok.unk_token
        else:
            tok.add_special_tokens({"pad_token": "[PAD]"})
    tok.padding_side = padding_side
    return tok


def load_kwargs(
    name: str, source: str = "auto", dtype=None, device_map: str | None = None, load_in_4bit: bool = False
) -> dict:
    """`from_pretrained` keyword arguments: dtype, hub revision / remote code, a device map
    spreading a model too big for one GPU over the node's GPUs ("auto"), and 4-bit NF4
    weights for QLoRA (bitsandbytes, GPU only; under DDP each process quantises onto its
    own GPU, never all onto GPU 0)."""
    kw = {"dtype": torch_dtype(dtype), **_hub_kwargs(name, source)}
    if device_map:
        kw["device_map"] = device_map
    if load_in_4bit and world_size() > 1:
        kw["device_map"] = {"": local_rank()}
    if load_in_4bit:
        from transformers import BitsAndBytesConfig

        kw["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=kw["dtype"],
            bnb_4bit_use_double_quant=True,
        )
    return kw


def _load(auto_class, name: str, dtype, source: str, **kw):
    """`auto_class.from_pretrained`, or, in an FSDP process that receives its weights from
    rank 0 (`core.dist.starts_empty`), the same model built from its config with no weights
    (parameters on the meta device, buffers real: accelerate re-registers them)."""
    path, load = model_path(name, source), load_kwargs(name, source, dtype, **kw)
    if starts_empty() and "quantization_config" not in load:
        from accelerate import init_empty_weights
        from transformers import AutoConfig

        hub = _hub_kwargs(name, source)
        config = AutoConfig.from_pretrained(path, **hub)
        with init_empty_weights(include_buffers=False):
            return auto_class.from_config(
                config, dtype=load["dtype"], trust_remote_code=hub.get("trust_remote_code", False)
            )
    return auto_class.from_pretrained(path, **load)


def load_backbone(name: str, dtype=None, source: str = "auto", **kw):
    """The bare transformer (AutoModel): hidden states, no task head."""
    from transformers import AutoModel

    return _load(AutoModel, name, dtype, source, **kw)


def load_causal_lm(name: str, dtype=None, source: str = "auto", **kw):
    from transformers import AutoModelForCausalLM

    return _load(AutoModelForCausalLM, name, dtype, source, **kw)


def count_parameters(model) -> int:
    return sum(p.numel() for p in model.parameters())


def smoke_test(
    name: str, text: str = "Weak supervision can elicit strong capabilities.", source: str = "auto"
) -> dict:
    """Load `name` (assembling it on first use) and run one forward pass; return timings."""
    import torch

    t0 = time.perf_counter()
    path = model_path(name, source)
    t1 = time.perf_counter()
    tok = load_tokenizer(name, source=source)
    model = load_backbone(name, source=source).eval()
    t2 = time.perf_counter()
    batch = tok([text], return_tensors="pt")
    with torch.inference_mode():
        out = model(**batch, output_hidden_states=True)
    t3 = time.perf_counter()
    return {
        "model": name,
        "modality": text_spec(name).modality,
        "source": path,
        "params_m": round(count_parameters(model) / 1e6, 1),
        "layers": len(out.hidden_states) - 1,
        "hidden": out.hidden_states[-1].shape[-1],
        "tokens": batch["input_ids"].shape[1],
        "assemble_s": round(t1 - t0, 1),
        "load_s": round(t2 - t1, 1),
        "forward_s": round(t3 - t2, 3),
    }
