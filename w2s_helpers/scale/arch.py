"""A model's sizes as the memory plan needs them, read off its registry entry's `arch` (the
hub config's sizing fields; a tiny model's random_config; else its declared hidden/layers).

Counts here are checked against exact ones in tests/scale/test_arch.py: the parameters of
the config built on the meta device, the trainable parameters `peft.get_peft_model` leaves
with the trainers' own LoraConfig, and the optimizer state AdamW allocates. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..zoo.registry import ModelSpec

# model types whose MLP is gated (SwiGLU / GeGLU: gate, up and down projections)
GATED_MLP = {"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "phi3"}
# gpt2's attention and MLP are transformers' Conv1D, which peft's "all-linear" also adapts
FUSED_QKV = {"gpt2"}


@dataclass(frozen=True)
class Dims:
    model_type: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int  # 0: unknown (no logits term)
    tied: bool  # the LM head shares the input embedding

    @property
    def q_dim(self) -> int:
        return self.heads * self.head_dim

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.head_dim

    @property
    def gated_mlp(self) -> bool:
        return self.model_type in GATED_MLP


def dims(spec: ModelSpec) -> Dims | None:
    """The sizes of `spec`, or None when it declares none (an arbitrary hub id)."""
    if not (spec.arch or spec.random_config or (spec.hidden and spec.layers)):
        return None
    hidden, layers = spec.size("hidden_size", spec.hidden), spec.size("num_hidden_layers", spec.layers)
    # without a config, heads are unknown: one head as wide as the model gives the same widths
    heads = spec.size("num_attention_heads", 1)
    head_dim = spec.size("head_dim", hidden // heads)
    kv_heads = spec.size("num_key_value_heads", heads)
    if not (spec.arch or spec.random_config):
        kv_heads = heads * spec.kv_frac
    model_type = spec.size("model_type", "")
    return Dims(
        model_type=model_type,
        hidden=hidden,
        layers=layers,
        heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        intermediate=spec.size("intermediate_size", 4 * hidden),  # gpt2 / bert: 4 x hidden
        vocab=spec.size("vocab_size", 0),
        tied=spec.size("tie_word_embeddings", model_type in ("gpt2", "gemma")),
    )


def block_linears(d: Dims) -> list[tuple[int, int]]:
    """(in, out) features of every linear layer of one transformer block."""
    h, q, kv, i = d.hidden, d.q_dim, d.kv_dim, d.intermediate
    if d.model_type in FUSED_QKV:  # c_attn (q, k, v in one), c_proj, c_fc, c_proj
        return [(h, q + 2 * kv), (q, h), (h, i), (i, h)]
    mlp = [(h, i), (h, i), (i, h)] if d.gated_mlp else [(h, i), (i, h)]
    return [(h, q), (h, kv), (h, kv), (q, h), *mlp]


def lora_params(d: Dims, rank: int, top_frac: float = 1.0) -> int:
    """LoRA's trainable parameters on every linear layer of every block ("all-linear": not the
    LM head), or of the top `top_frac` of the blocks (the reasoning flow's lora_top_frac):
    each adapted layer adds A (r x in) and B (out x r)."""
    return adapted_blocks(d, top_frac) * sum(rank * (i + o) for i, o in block_linears(d))


def adapted_blocks(d: Dims, top_frac: float = 1.0) -> int:
    return max(1, round(top_frac * d.layers))  # as reasoning.training._lora rounds it


def backbone_params(spec: ModelSpec, d: Dims | None) -> float:
    """Parameters of the bare transformer (AutoModel, the classification flow's backbone):
    a causal LM's count less its LM head when the head has weights of its own."""
    total = spec.params_m * 1e6
    if spec.modality == "causal-lm" and d is not None and not d.tied:
        return total - d.vocab * d.hidden
    return total


def largest_unit(spec: ModelSpec, d: Dims | None, lm_head: bool = True) -> float:
    """Parameters of FSDP's largest wrapped unit: one transformer block, or the root (the
    embeddings, the LM head if kept, the final norm; FSDP keeps the root gathered from
    forward to backward), whichever is bigger."""
    total = spec.params_m * 1e6
    if d is None or not d.layers:
        return total
    outside = d.vocab * d.hidden * (1 if d.tied or not lm_head else 2)
    return max((total - outside) / d.layers, outside)


def activation_elems(d: Dims) -> int:
    """Values one training token keeps for the backward pass in one block (Korthikanti et al.
    2022, "Reducing Activation Recomputation in Large Transformer Models", Table 2's 34·h per
    token without tensor parallelism, adjusted): SDPA / flash attention keeps no s x s score
    matrix and dropout is off, so no masks; what remains is the two norms' inputs and outputs
    (4h), q, k and v (q + 2kv), the attention output (q), and the MLP's saved tensors (gated:
    gate, up, act(gate), their product = 4i; gpt2 / bert: fc output and its GELU = 2i)."""
    return 4 * d.hidden + 2 * d.q_dim + 2 * d.kv_dim + (4 if d.gated_mlp else 2) * d.intermediate


def kv_cache_bytes(d: Dims, bytes_per_value: float) -> float:
    """KV cache per token: keys and values of every layer, num_key_value_heads x head_dim wide."""
    return 2 * d.layers * d.kv_dim * bytes_per_value
