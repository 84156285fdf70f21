"""What one text model of the zoo is: its modality, size, sources and the frozen-feature recipe."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .packages import PackagedFile

Modality = Literal["text-encoder", "causal-lm", "image"]
TextModality = Literal["text-encoder", "causal-lm"]
TEXT: tuple[TextModality, ...] = ("text-encoder", "causal-lm")
Source = Literal["auto", "offline", "hub"]
SOURCES = ("auto", "offline", "hub")


# gpt2's config names for the common sizing fields (its config's attribute_map)
_GPT2_NAMES = {
    "hidden_size": "n_embd",
    "num_hidden_layers": "n_layer",
    "num_attention_heads": "n_head",
    "intermediate_size": "n_inner",
    "max_position_embeddings": "n_positions",
}


@dataclass(frozen=True)
class ModelSpec:
    """One text model of the zoo (`zoo.images.spec.ImageModelSpec` is an image model's).

    pooling / probe_layer: the frozen-feature recipe that probed best on the CPU (see
    docs/FINDINGS.md): mean pooling for encoders, last real token for causal LMs, and the
    middle layer (fraction of depth) for both, which also halves the forward pass.
    """

    name: str
    modality: TextModality  # an encoder (AutoModel) or a causal LM (AutoModelForCausalLM)
    params_m: float  # parameters in millions: what memory estimates start from
    hub_id: str | None = None
    revision: str = "main"  # hub revision; pin a commit for exact reproduction
    trust_remote_code: bool = (
        False  # checkpoints with custom modelling code (none shipped: they break on upgrades)
    )
    gated: bool = False  # the hub serves the weights only to accounts granted access on the model's page
    offline: PackagedFile | None = None
    offline_format: Literal["folder", "zip", "gguf"] | None = None
    pooling: Literal["mean", "last", "cls"] = "mean"
    probe_layer: float = 0.5
    lr: float = 5e-5  # reference: 5e-5 for gpt2-size models, 1e-5 for larger
    random_config: dict[str, Any] = field(default_factory=dict)
    dtype: str = "bfloat16"  # the weights' dtype on a GPU (the checkpoints' own; fp32 on a CPU)
    hidden: int = 0  # width and depth: what activation and KV-cache estimates start from
    layers: int = 0
    kv_frac: float = 1.0  # key/value heads over query heads (grouped-query attention caches less)
    # the hub config's sizing fields, as `transformers.AutoConfig.for_model(**arch)` takes them:
    # hidden, layers and kv_frac are derived from it, and the memory plan reads the rest
    arch: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.arch:  # derived, never declared twice
            heads = self.size("num_attention_heads")
            object.__setattr__(self, "hidden", self.size("hidden_size"))
            object.__setattr__(self, "layers", self.size("num_hidden_layers"))
            object.__setattr__(self, "kv_frac", self.size("num_key_value_heads", heads) / heads)

    def size(self, key: str, default: Any = None) -> Any:
        """A sizing field of the model's config (`arch`, else a tiny model's random_config)
        by transformers' common name: gpt2's `n_embd` answers `hidden_size`."""
        cfg = self.arch or self.random_config
        for k in (key, _GPT2_NAMES.get(key)):
            if k and cfg.get(k) is not None:
                return cfg[k]
        return default

    @property
    def is_random(self) -> bool:
        return bool(self.random_config)

    @property
    def online(self) -> bool:
        """Whether the weights can be downloaded (from the hub)."""
        return self.hub_id is not None


def _gguf(packages: tuple[str, ...], member: str, sha: str, file: str) -> PackagedFile:
    return PackagedFile(packages=packages, member=member, sha256={file: sha})
