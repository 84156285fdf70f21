"""Tiny random-initialised models for tests: real architectures, random weights, never
pretrained. A character-level tokenizer whose id 0 is a real character, so code that
assumes pad id 0 breaks visibly."""

from __future__ import annotations

from pathlib import Path

from ..core.fileio import atomic_dir
from ..core.hashing import stable_hash
from ..core.paths import cache_dir
from .spec import ModelSpec

_TINY_CHARS = (
    "\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)


# tiny random models for tests (random weights, NOT pretrained)
TINY_SPECS = [
    ModelSpec(
        "tiny-random-bert",
        "text-encoder",
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
        "causal-lm",
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
        "causal-lm",
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
        "causal-lm",
        0.1,
        pooling="last",
        lr=1e-3,
        random_config=dict(model_type="gpt2", n_embd=32, n_layer=2, n_head=2, n_positions=2048),
    ),
]


def tiny_tokenizer():
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


def tiny_key(spec: ModelSpec) -> str:
    """What a tiny model's weights depend on: its config and the tokenizer's vocabulary."""
    return stable_hash([spec.random_config, _TINY_CHARS], n=8)


def build_tiny_random(spec: ModelSpec, root: Path | None = None) -> Path:
    """Save a seeded random-initialised model of the spec's architecture once; reuse it."""
    root = root or cache_dir()
    final = root / "models" / f"{spec.name}-{tiny_key(spec)}"
    if final.exists():
        return final
    import torch
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
    auto = AutoModelForCausalLM if spec.modality == "causal-lm" else AutoModel
    model = auto.from_config(config)
    with atomic_dir(final) as tmp:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
    return final
