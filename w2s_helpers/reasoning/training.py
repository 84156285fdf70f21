"""Training for the reasoning pipeline with trl and peft: SFT, then DPO or ORPO.

Every stage trains a LoRA adapter on all linear projections (attention and MLP) with the
plain "Question: ...\\nAnswer:" template, loss on the completion only. Preference training
starts from the stage-I model: its adapter is merged into the base, a new adapter trains
on top, and with no separate reference model trl uses the merged model with the new
adapter switched off, i.e. the stage-I model itself, as DPO's reference.

An adapter is an artefact like any other: <out>/config.json when training starts,
checkpoints in <out>/checkpoints (an interrupted run resumes from the last complete one),
<out>/adapter and then <out>/result.json (the training log) only when it is done.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import torch

from .. import zoo
from ..core import runs
from ..core.compute import torch_dtype, training_precision
from ..core.dist import is_main, per_device_batch, world_size
from ..core.fileio import atomic_dir
from ..core.launch import fsdp_args
from ..core.progress import readable_progress
from .config import PREFERENCE_METHODS, TrainParams
from .policy import load_policy

log = logging.getLogger(__name__)

MIN_COMPLETION_TOKENS = 8  # a prompt must leave room for at least a short answer


def _lora(p: TrainParams, model):
    """LoRA on every linear projection (the reference), of every block or, with
    lora_top_frac < 1, of the top blocks only: backward then stops at the lowest adapted
    block, which on a CPU cuts a step's cost by up to half."""
    from peft import LoraConfig

    depth = model.config.get_text_config().num_hidden_layers
    top = max(1, round(p.lora_top_frac * depth))
    if top >= depth:
        return LoraConfig(
            r=p.lora_r,
            lora_alpha=p.lora_alpha,
            lora_dropout=0.0,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
    from transformers.pytorch_utils import Conv1D  # gpt2's linear layers (what peft's all-linear covers)

    head = model.get_output_embeddings()
    linear = sorted(
        {
            n.rsplit(".", 1)[-1]
            for n, m in model.named_modules()
            if isinstance(m, torch.nn.Linear | Conv1D) and m is not head
        }
    )
    return LoraConfig(
        r=p.lora_r,
        lora_alpha=p.lora_alpha,
        lora_dropout=0.0,
        target_modules=linear,
        task_type="CAUSAL_LM",
        layers_to_transform=list(range(depth - top, depth)),
    )


def _args(p: TrainParams, out: Path, model) -> dict:
    cuda = torch.cuda.is_available()
    fsdp = p.distributed == "fsdp"
    return dict(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=p.epochs,
        learning_rate=p.lr,
        per_device_train_batch_size=per_device_batch(p.batch_size),
        gradient_accumulation_steps=p.grad_accum,
        seed=p.seed,
        logging_steps=1,
        save_strategy="steps",
        save_steps=p.save_steps,
        save_total_limit=1,
        report_to=[] if p.report_to == "none" else [p.report_to],
        run_name=out.name,
        use_cpu=not cuda,
        **training_precision("lora", p.dtype, p.load_in_4bit).trainer_flags(),
        gradient_checkpointing=p.gradient_checkpointing and not fsdp,  # FSDP checkpoints itself
        lr_scheduler_type="cosine",
        warmup_steps=0.03,  # a float is a fraction
        max_length=p.max_length,
        disable_tqdm=False,
        **fsdp_args(p.distributed, model, p.gradient_checkpointing),
    )


def _policy(model: str, adapters: Sequence[str], source: str, p: TrainParams):
    """The model a stage trains: base + earlier adapters, in the training dtype; with
    load_in_4bit the base is NF4 and prepared for k-bit training (QLoRA)."""
    policy = load_policy(model, adapters, source, dtype=torch_dtype(p.dtype), load_in_4bit=p.load_in_4bit)
    if p.load_in_4bit:
        from peft import prepare_model_for_kbit_training

        policy = prepare_model_for_kbit_training(policy, use_gradient_checkpointing=p.gradient_checkpointing)
    return policy


def _fp32_adapters(trainer):
    """The trainer, with every trainable parameter in fp32: trl casts QLoRA adapters to bf16,
    where a small AdamW step rounds away; the frozen base keeps its dtype."""
    for param in trainer.model.parameters():
        if param.requires_grad and param.dtype != torch.float32:
            param.data = param.data.float()
    return trainer


def last_checkpoint(out: Path) -> str | None:
    """The newest complete checkpoint: one whose trainer state was written (the trainer
    writes it last), never a half-written folder from a kill."""
    ckpts = [c for c in (out / "checkpoints").glob("checkpoint-*") if (c / "trainer_state.json").exists()]
    ckpts.sort(key=lambda c: int(c.name.split("-")[1]))
    return str(ckpts[-1]) if ckpts else None


def done(out: str | Path) -> Path | None:
    """The adapter folder of a finished training, else None."""
    out = Path(out)
    return out / "adapter" if runs.completed(out) is not None and (out / "adapter").exists() else None


def _begin(
    out: Path, stage: str, model: str, adapters: Sequence[str], rows: Sequence[dict], p: TrainParams
) -> dict:
    """Refuse an empty training set; write the artefact's config (what trains on what)."""
    if not rows:
        raise ValueError(f"{out}: no training rows for {stage}")
    meta = {
        "stage": stage,
        "model": model,
        "adapters": list(adapters),
        "rows": len(rows),
        "params": dict(p.__dict__),
        "precision": training_precision("lora", p.dtype, p.load_in_4bit).describe(),
    }
    runs.start(out, meta)
    return meta


def _finish(trainer, tok, out: Path, meta: dict) -> Path:
    if world_size() > 1:  # FSDP gathers the weights collectively; the main process writes
        trainer.save_model(str(out / ".adapter.partial"))
        if not is_main():
            return out / "adapter"
        with atomic_dir(out / "adapter") as tmp:
            shutil.copytree(out / ".adapter.partial", tmp, dirs_exist_ok=True)
            tok.save_pretrained(tmp)
        shutil.rmtree(out / ".adapter.partial", ignore_errors=True)
    else:
        with atomic_dir(out / "adapter") as tmp:
            trainer.model.save_pretrained(tmp)
            tok.save_pretrained(tmp)
    history = [h for h in trainer.state.log_history if "loss" in h]
    runs.finish(out, {**meta, "history": history})
    return out / "adapter"


def _fitting(rows: Sequence[dict], tok, max_length: int, out: Path) -> list[dict]:
    """Rows whose prompt leaves room for completion tokens within max_length."""
    kept = [r for r in rows if len(tok(r["prompt"])["input_ids"]) < max_length - MIN_COMPLETION_TOKENS]
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
    if (adapter := done(out)) is not None:
        return adapter
    meta = _begin(out, "sft", model, adapters, rows, p)
    tok = zoo.load_tokenizer(model, source=source)
    rows = _fitting(rows, tok, p.max_length, out)
    ds = Dataset.from_list([{"prompt": r["prompt"], "completion": r["completion"]} for r in rows])
    policy = _policy(model, adapters, source, p)
    trainer = SFTTrainer(
        model=policy,
        processing_class=tok,
        train_dataset=ds,
        args=SFTConfig(**_args(p, out, policy), completion_only_loss=True),
        peft_config=_lora(p, policy),
    )
    readable_progress(_fp32_adapters(trainer)).train(resume_from_checkpoint=last_checkpoint(out))
    return _finish(trainer, tok, out, {**meta, "rows_used": len(rows)})


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
    if (adapter := done(out)) is not None:
        return adapter
    meta = _begin(out, method, model, adapters, pairs, p)
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
    policy = _policy(model, adapters, source, p)
    if method == "dpo":
        from trl import DPOConfig, DPOTrainer

        trainer = DPOTrainer(
            model=policy,
            ref_model=None,
            args=DPOConfig(**_args(p, out, policy), beta=p.beta),
            train_dataset=ds,
            processing_class=tok,
            peft_config=_lora(p, policy),
        )
    else:
        from trl.experimental.orpo import ORPOConfig, ORPOTrainer

        trainer = ORPOTrainer(
            model=policy,
            args=ORPOConfig(**_args(p, out, policy), beta=p.beta),
            train_dataset=ds,
            processing_class=tok,
            peft_config=_lora(p, policy),
        )
    readable_progress(_fp32_adapters(trainer)).train(resume_from_checkpoint=last_checkpoint(out))
    return _finish(trainer, tok, out, {**meta, "rows_used": len(pairs)})


def train_launched(job: dict) -> None:
    """One process of a distributed training (core.launch starts one per GPU)."""
    p = TrainParams(**job["params"])
    if job["stage"] in ("sft", "weak_sft"):
        sft(job["model"], job["rows"], job["out"], p, job["adapters"], job["source"])
    else:
        preference(job["stage"], job["model"], job["rows"], job["out"], p, job["adapters"], job["source"])
