"""The GPU path in one call, for a machine with a CUDA device and no hub (models are random
initialised from configs there). Each check prints one JSON line and lands in
results/bench/gpu_check.jsonl:

  tests        the `gpu`-marked tests (pytest -m gpu)
  train        a ~1B random Llama (TinyLlama-1.1B's shape) for a few steps, full fine-tuning
               and LoRA, each in the project's training precision (fp32 masters + bf16
               autocast; bf16 base + fp32 adapters): tokens/s, MFU against the chip's bf16
               peak (6 x params x tokens / s, LoRA: 4 x, no weight gradients), and the peak
               memory against the plan's estimate (scale.memory)
  fsdp         the same full training through `core.launch` with distributed: fsdp over the
               GPUs there are (one is enough to exercise the wrap, the launch and the saving)
  lora_merge   a LoRA adapter saved, reloaded, merged: greedy output equal before and after
  batch_gen    HF greedy generation in bf16 at batch 1 and batch 16: the share of prompts
               whose continuation is identical, and the largest first-step logit gap

    python bench/gpu_check.py [--steps 20] [--peak-tflops 989] [--skip tests,fsdp]

On a CPU, `--cpu` runs every check on a tiny model in fp32 (the plumbing, not the numbers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from w2s_helpers.core.compute import training_precision
from w2s_helpers.core.launch import fsdp_args, launch
from w2s_helpers.core.paths import results_dir

LLAMA_1B = dict(  # TinyLlama-1.1B's shape
    model_type="llama",
    hidden_size=2048,
    intermediate_size=5632,
    num_hidden_layers=22,
    num_attention_heads=32,
    num_key_value_heads=4,
    vocab_size=32000,
    max_position_embeddings=2048,
)
TINY = dict(LLAMA_1B, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4)


def random_checkpoint(arch: dict, folder: Path) -> Path:
    """A random-initialised causal LM saved as a checkpoint folder (any model name may be one)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(AutoConfig.for_model(**arch)).save_pretrained(folder)
    return folder


def _trainer(model, mode: str, steps: int, batch: int, seq: int, dtype: str, out: Path, distributed: str):
    from datasets import Dataset
    from transformers import Trainer, TrainingArguments, default_data_collator

    vocab = model.config.vocab_size
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, vocab, (steps * batch, seq), generator=g)
    ds = Dataset.from_dict({"input_ids": ids.tolist(), "labels": ids.tolist()})
    args = TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=batch,
        max_steps=steps,
        learning_rate=1e-5,
        logging_steps=max(1, steps // 4),
        save_strategy="no",
        report_to=[],
        use_cpu=not torch.cuda.is_available(),
        **training_precision(mode, dtype).trainer_flags(),
        **fsdp_args(distributed, model),
    )
    return Trainer(model=model, args=args, train_dataset=ds, data_collator=default_data_collator)


def train(
    folder: Path, arch: dict, mode: str, steps: int, batch: int, seq: int, dtype: str, peak: float
) -> dict:
    from peft import LoraConfig, get_peft_model

    from w2s_helpers import zoo
    from w2s_helpers.scale import memory
    from w2s_helpers.scale.resources import Resources
    from w2s_helpers.zoo.spec import ModelSpec

    precision = training_precision(mode, dtype)
    model = zoo.load_causal_lm(str(folder), dtype=precision.weights)
    params = sum(p.numel() for p in model.parameters())
    if mode == "lora":
        model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules="all-linear"))
    cuda = torch.cuda.is_available()
    if cuda:
        model = model.cuda()
        torch.cuda.reset_peak_memory_stats()
    from transformers import TrainerCallback

    warmup, marks = 2, {}

    class Clock(TrainerCallback):  # the first steps warm up kernels and the allocator
        def on_step_end(self, args, state, control, **kw):
            if state.global_step in (warmup, warmup + steps):
                if cuda:
                    torch.cuda.synchronize()
                marks[state.global_step] = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        trainer = _trainer(model, mode, warmup + steps, batch, seq, dtype, Path(tmp), "none")
        trainer.add_callback(Clock())
        trainer.train()
    seconds = marks[warmup + steps] - marks[warmup]
    tokens = steps * batch * seq
    flops = (6 if mode == "full" else 4) * params * tokens  # LoRA: no weight-gradient matmuls
    spec = ModelSpec("random-llama", "causal-lm", params / 1e6, arch=arch)
    res = Resources(gpus=1 if cuda else 0, gpu_memory_gb=140.0, memory_gb=128.0)
    est = memory.train(spec, res, mode, dtype, batch, seq, lora_r=8, causal_lm=True)
    peak_gb = torch.cuda.max_memory_allocated() / 1e9 if cuda else None
    return {
        "check": "train",
        "mode": mode,
        "precision": precision.describe(),
        "params_m": round(params / 1e6, 1),
        "tokens_per_s": round(tokens / seconds),
        "mfu": round(flops / seconds / (peak * 1e12), 3) if cuda else None,
        "peak_gb": None if peak_gb is None else round(peak_gb, 2),
        "plan_gb": None if est.per_device_gb is None else round(est.per_device_gb, 2),
    }


def fsdp_worker(job: dict) -> None:
    """One process of the FSDP check (core.launch starts it)."""
    from w2s_helpers import zoo

    model = zoo.load_causal_lm(job["folder"], dtype="float32")
    trainer = _trainer(
        model, "full", job["steps"], job["batch"], job["seq"], job["dtype"], Path(job["out"]), "fsdp"
    )
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    if trainer.is_world_process_zero():
        Path(job["out"], "fsdp.json").write_text(json.dumps({"losses": losses}))


def fsdp(folder: Path, steps: int, batch: int, seq: int, dtype: str) -> dict:
    n = max(torch.cuda.device_count(), 1)
    with tempfile.TemporaryDirectory() as tmp:
        job = dict(folder=str(folder), steps=steps, batch=batch, seq=seq, dtype=dtype, out=tmp)
        t0 = time.perf_counter()
        launch("bench.gpu_check:fsdp_worker", job, n, distributed="fsdp")
        losses = json.loads(Path(tmp, "fsdp.json").read_text())["losses"]
    return {"check": "fsdp", "processes": n, "seconds": round(time.perf_counter() - t0, 1), "losses": losses}


def _greedy(model, tok, prompts: list[str], batch: int, new: int = 24) -> tuple[list[str], torch.Tensor]:
    outs, first = [], []
    for i in range(0, len(prompts), batch):
        enc = tok(prompts[i : i + batch], return_tensors="pt", padding=True).to(model.device)
        with torch.no_grad():
            gen = model.generate(
                **enc, max_new_tokens=new, do_sample=False, output_scores=True, return_dict_in_generate=True
            )
        outs += tok.batch_decode(gen.sequences[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
        first.append(gen.scores[0].float().cpu())
    return outs, torch.cat(first)


def lora_merge(folder: Path, dtype: str) -> dict:
    from peft import LoraConfig, PeftModel, get_peft_model

    from w2s_helpers import zoo

    tok = zoo.load_tokenizer("tiny-random-llama", padding_side="left")  # any tokenizer: ids only
    model = zoo.load_causal_lm(str(folder), dtype=dtype)
    model = get_peft_model(model, LoraConfig(r=8, target_modules="all-linear", init_lora_weights=False))
    model = model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    prompts = [f"Question {i}: what is {i} plus {2 * i}?" for i in range(8)]
    before, _ = _greedy(model, tok, prompts, 1)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        base = zoo.load_causal_lm(str(folder), dtype=dtype).to(model.device)
        merged = PeftModel.from_pretrained(base, tmp).merge_and_unload().eval()
        after, _ = _greedy(merged, tok, prompts, 1)
    same = sum(a == b for a, b in zip(before, after))
    return {"check": "lora_merge", "dtype": dtype, "identical": f"{same}/{len(prompts)}"}


def batch_gen(folder: Path, dtype: str, n: int = 32) -> dict:
    from w2s_helpers import zoo

    tok = zoo.load_tokenizer("tiny-random-llama", padding_side="left")
    model = zoo.load_causal_lm(str(folder), dtype=dtype)
    model = model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    prompts = [f"Question {i}: " + "how many apples " * (1 + i % 5) for i in range(n)]
    one, s1 = _greedy(model, tok, prompts, 1)
    many, s16 = _greedy(model, tok, prompts, min(16, n))
    same = sum(a == b for a, b in zip(one, many))
    return {
        "check": "batch_gen",
        "dtype": dtype,
        "identical": f"{same}/{len(prompts)}",
        "max_first_logit_gap": round((s1 - s16).abs().max().item(), 4),
        "tolerance": "bf16: continuations may part after a near-tie; first-step logits within 0.1",
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak (H100/H200 SXM: 989)")
    ap.add_argument("--skip", default="", help="comma-separated checks to skip")
    ap.add_argument("--cpu", action="store_true", help="tiny model, fp32: the plumbing on a CPU")
    a = ap.parse_args(argv)
    skip = set(a.skip.split(",")) - {""}
    arch, dtype = (dict(TINY, vocab_size=256), "float32") if a.cpu else (LLAMA_1B, "bfloat16")
    seq, batch = (32, 2) if a.cpu else (a.seq, a.batch)
    out = results_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    rows = []

    def emit(row: dict) -> None:
        print(json.dumps(row), flush=True)
        rows.append(row)
        (out / "gpu_check.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    if "tests" not in skip and not a.cpu:
        done = subprocess.run([sys.executable, "-m", "pytest", "-m", "gpu", "-q", "tests"], check=False)
        emit({"check": "tests", "returncode": done.returncode})
    with tempfile.TemporaryDirectory() as tmp:
        folder = random_checkpoint(arch, Path(tmp) / "llama")
        for mode in ("full", "lora"):
            if "train" not in skip:
                emit(train(folder, arch, mode, a.steps if not a.cpu else 2, batch, seq, dtype, a.peak_tflops))
        if "fsdp" not in skip:
            emit(fsdp(folder, 4 if not a.cpu else 2, batch, seq, dtype))
        if "lora_merge" not in skip:
            emit(lora_merge(folder, dtype))
        if "batch_gen" not in skip:
            emit(batch_gen(folder, dtype, 8 if a.cpu else 32))


if __name__ == "__main__":
    main()
