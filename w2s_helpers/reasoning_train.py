"""Training for the reasoning pipeline with trl and peft: SFT, then DPO or ORPO.

Every stage trains a LoRA adapter on all linear projections (attention and MLP) with the
plain "Question: ...\\nAnswer:" template, loss on the completion only. Preference training
starts from the stage-I model: its adapter is merged into the base, a new adapter trains
on top, and with no separate reference model trl uses the merged model with the new
adapter switched off, i.e. the stage-I model itself, as DPO's reference.

Trainer checkpoints land in <out>/checkpoints and an interrupted run resumes from the last
one; the final adapter appears at <out>/adapter only when complete.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from . import zoo
from .fileio import atomic_dir, write_json

log = logging.getLogger(__name__)

PREFERENCE_METHODS = ("dpo", "orpo")


@dataclass
class TrainParams:
    epochs: float = 1.0
    lr: float = 1e-4  # LoRA learning rate
    batch_size: int = 4
    grad_accum: int = 1
    max_length: int = 512  # prompt + completion tokens
    lora_r: int = 16
    lora_alpha: int = 32
    beta: float = 0.1  # DPO / ORPO strength
    seed: int = 0
    save_steps: int = 50  # checkpoint interval (resume granularity)


def _lora(p: TrainParams):
    from peft import LoraConfig

    return LoraConfig(
        r=p.lora_r,
        lora_alpha=p.lora_alpha,
        lora_dropout=0.0,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )


def _args(p: TrainParams, out: Path) -> dict:
    cuda = torch.cuda.is_available()
    return dict(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=p.epochs,
        learning_rate=p.lr,
        per_device_train_batch_size=p.batch_size,
        gradient_accumulation_steps=p.grad_accum,
        seed=p.seed,
        logging_steps=1,
        save_strategy="steps",
        save_steps=p.save_steps,
        save_total_limit=1,
        report_to=[],
        use_cpu=not cuda,
        bf16=cuda and torch.cuda.is_bf16_supported(),
        gradient_checkpointing=False,
        lr_scheduler_type="cosine",
        warmup_steps=0.03,  # a float is a fraction
        max_length=p.max_length,
        disable_tqdm=False,
    )


def load_policy(model: str, adapters: Sequence[str] = (), source: str = "auto"):
    """The base model with earlier stages' adapters merged in, in order."""
    m = zoo.load_causal_lm(model, source=source)
    for a in adapters:
        from peft import PeftModel

        m = PeftModel.from_pretrained(m, a).merge_and_unload()
    return m


def merged_checkpoint(model: str, adapters: Sequence[str], source: str = "auto") -> Path:
    """A plain checkpoint folder of base + adapters (for engines that take one path, e.g. vLLM)."""
    import hashlib

    from .paths import cache_dir

    key = hashlib.sha256(repr((model, [str(a) for a in adapters])).encode()).hexdigest()[:12]
    final = cache_dir() / "merged" / f"{Path(model).name}-{key}"
    if not final.exists():
        with atomic_dir(final) as tmp:
            load_policy(model, adapters, source).save_pretrained(tmp)
            zoo.load_tokenizer(model, source=source).save_pretrained(tmp)
    return final


def _last_checkpoint(out: Path) -> str | None:
    ckpts = sorted((out / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    return str(ckpts[-1]) if ckpts else None


def _finish(trainer, tok, out: Path, meta: dict) -> Path:
    with atomic_dir(out / "adapter") as tmp:
        trainer.model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
    history = [h for h in trainer.state.log_history if "loss" in h]
    write_json(out / "train_log.json", {**meta, "history": history})
    return out / "adapter"


def _fitting(rows: Sequence[dict], tok, max_length: int, out: Path) -> list[dict]:
    """Rows whose prompt leaves room for completion tokens within max_length."""
    kept = [r for r in rows if len(tok(r["prompt"])["input_ids"]) < max_length - 8]
    if len(kept) < len(rows):
        log.warning(
            "%s: %d of %d rows have prompts longer than max_length=%d and are dropped",
            out,
            len(rows) - len(kept),
            len(rows),
            max_length,
        )
    if not kept:
        raise ValueError(f"{out}: every prompt is longer than max_length={max_length}; raise max_length")
    return kept


def sft(
    model: str,
    rows: Sequence[dict],
    out: str | Path,
    p: TrainParams,
    adapters: Sequence[str] = (),
    source: str = "auto",
) -> Path:
    """LoRA SFT on prompt/completion rows; returns the adapter folder (reused if complete)."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    out = Path(out)
    if (out / "adapter").exists():
        return out / "adapter"
    if not rows:
        raise ValueError(f"{out}: no training rows for SFT")
    tok = zoo.load_tokenizer(model, source=source)
    rows = _fitting(rows, tok, p.max_length, out)
    ds = Dataset.from_list([{"prompt": r["prompt"], "completion": r["completion"]} for r in rows])
    trainer = SFTTrainer(
        model=load_policy(model, adapters, source),
        processing_class=tok,
        train_dataset=ds,
        args=SFTConfig(**_args(p, out), completion_only_loss=True),
        peft_config=_lora(p),
    )
    trainer.train(resume_from_checkpoint=_last_checkpoint(out))
    return _finish(
        trainer, tok, out, {"stage": "sft", "model": model, "rows": len(rows), "params": p.__dict__}
    )


def preference(
    method: str,
    model: str,
    pairs: Sequence[dict],
    out: str | Path,
    p: TrainParams,
    adapters: Sequence[str] = (),
    source: str = "auto",
) -> Path:
    """DPO or ORPO on {prompt, chosen, rejected} pairs, starting from base + `adapters`."""
    from datasets import Dataset

    if method not in PREFERENCE_METHODS:
        raise ValueError(f"unknown preference method {method!r}: expected one of {PREFERENCE_METHODS}")
    out = Path(out)
    if (out / "adapter").exists():
        return out / "adapter"
    if not pairs:
        raise ValueError(f"{out}: no preference pairs to train on")
    tok = zoo.load_tokenizer(model, source=source)
    pairs = _fitting(pairs, tok, p.max_length, out)
    ds = Dataset.from_list(
        [
            {
                "prompt": r["prompt"],
                "chosen": " " + r["chosen"].strip(),
                "rejected": " " + r["rejected"].strip(),
            }
            for r in pairs
        ]
    )
    policy = load_policy(model, adapters, source)
    if method == "dpo":
        from trl import DPOConfig, DPOTrainer

        trainer = DPOTrainer(
            model=policy,
            ref_model=None,
            args=DPOConfig(**_args(p, out), beta=p.beta),
            train_dataset=ds,
            processing_class=tok,
            peft_config=_lora(p),
        )
    else:
        from trl.experimental.orpo import ORPOConfig, ORPOTrainer

        trainer = ORPOTrainer(
            model=policy,
            args=ORPOConfig(**_args(p, out), beta=p.beta),
            train_dataset=ds,
            processing_class=tok,
            peft_config=_lora(p),
        )
    trainer.train(resume_from_checkpoint=_last_checkpoint(out))
    return _finish(
        trainer, tok, out, {"stage": method, "model": model, "pairs": len(pairs), "params": p.__dict__}
    )
