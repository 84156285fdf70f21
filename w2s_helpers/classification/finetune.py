"""`full` and `lora` modes: the backbone trains with a linear head, via the HF Trainer.

Weak-to-strong losses plug in through a `compute_loss` override (as EleutherAI/w2s does).
Batches are padded dynamically and grouped by length.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from .. import zoo
from ..core.compute import Precision, training_precision
from ..core.dist import per_device_batch
from ..core.launch import fsdp_args, fsdp_blocks
from ..core.progress import readable_progress
from .features import pool
from .losses import LossFn


class PooledClassifier(torch.nn.Module):
    """Any Auto backbone + zero-initialised linear head on the pooled hidden state (last
    real token by attention mask for causal LMs, mean for encoders). Dropout off."""

    def __init__(self, backbone: torch.nn.Module, pooling: str, n_classes: int = 2):
        super().__init__()
        self.backbone, self.pooling = backbone, pooling
        # accelerate picks FSDP's units from the top module's list: the backbone's blocks
        self._no_split_modules = fsdp_blocks(backbone)
        self.head = torch.nn.Linear(backbone.get_input_embeddings().embedding_dim, n_classes)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)
        for m in self.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = 0.0

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_) -> torch.Tensor:
        hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(pool(hidden, attention_mask, self.pooling).to(self.head.weight.dtype))


def build_classifier(
    model_name: str,
    pooling: str,
    mode: str,
    lora_r: int = 8,
    source: str = "auto",
    dtype: str = "auto",
    load_in_4bit: bool = False,
    gradient_checkpointing: bool = False,
    distributed: str = "none",
):
    """The backbone with a pooled linear head, in the precision `training_precision` says
    (full: fp32 master weights; lora: the base in the compute dtype, adapters in fp32);
    LoRA adapters on every linear layer in lora mode (on 4-bit NF4 weights with
    load_in_4bit: QLoRA). Under FSDP, FSDP itself checkpoints activations."""
    precision = training_precision(mode, dtype, load_in_4bit)
    weights = dtype if precision.weights == "nf4" else precision.weights
    backbone = zoo.load_backbone(model_name, dtype=weights, source=source, load_in_4bit=load_in_4bit)
    if gradient_checkpointing and distributed != "fsdp":
        backbone.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if load_in_4bit:
        from peft import prepare_model_for_kbit_training

        backbone = prepare_model_for_kbit_training(
            backbone, use_gradient_checkpointing=gradient_checkpointing
        )
    if mode == "lora":
        from peft import LoraConfig, get_peft_model

        backbone = get_peft_model(
            backbone, LoraConfig(r=lora_r, lora_alpha=2 * lora_r, target_modules="all-linear")
        )
    return PooledClassifier(backbone, pooling)


class Collator:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, rows: list[dict]) -> dict:
        batch = self.tok.pad(
            {
                "input_ids": [r["input_ids"] for r in rows],
                "attention_mask": [r["attention_mask"] for r in rows],
            },
            return_tensors="pt",
        )
        if "soft_label" in rows[0]:
            batch["soft_label"] = torch.tensor([r["soft_label"] for r in rows], dtype=torch.float32)
        return batch


def tokenize(ds, tokenizer, max_length: int, drop: bool = True):
    """Tokenize for training: drop (not truncate) examples longer than max_length, as the
    reference does; for prediction (drop=False): truncate, so that every model is scored on
    the same test set and labels all of half 2."""
    if not drop:
        return ds.map(lambda b: tokenizer(b["text"], truncation=True, max_length=max_length), batched=True)
    ds = ds.map(lambda b: tokenizer(b["text"]), batched=True)
    return ds.filter(lambda r: len(r["input_ids"]) <= max_length)


def train_classifier(
    model: PooledClassifier,
    tokenizer,
    train_ds,
    loss_fn: LossFn,
    out_dir: Path,
    epochs: float,
    lr: float,
    batch_size: int,
    seed: int,
    evals: dict | None = None,
    eval_every: int = 0,
    early_stop: bool = False,
    precision: Precision | None = None,
    distributed: str = "none",
    report_to: str = "none",
    max_grad_norm: float = 1.0,
    gradient_checkpointing: bool = False,
) -> tuple[list[dict], list[dict], int | None]:
    """Train with the HF Trainer; every eval_every steps (0: about 20 times) score the
    `evals` splits ({name: (tokenized ds, labels)}); with early_stop, end on the weights of
    the step with the best validation AUROC. Returns (loss history, curves, step kept).
    `precision` sets the autocast (default: none); max_grad_norm 0 does not clip."""
    from transformers import Trainer, TrainerCallback, TrainingArguments

    from .metrics import accuracy, auroc, hard_labels
    from .probe import eval_steps

    curves: list[dict] = []
    best: dict = {"score": -math.inf, "state": None, "step": None}

    class Evaluate(TrainerCallback):
        def on_step_end(self, args, state, control, model=None, **kw):
            if not evals or state.global_step - 1 not in eval_steps(state.max_steps, eval_every):
                return
            row = {"step": state.global_step}
            for name, (ds, labels) in evals.items():
                p = predict_proba(model, tokenizer, ds)
                if labels is None:  # sealed (a transfer run's test set): scored after training
                    row[f"_pred_{name}"] = p
                    continue
                hard = hard_labels(np.asarray(labels))
                row[f"{name}_acc"], row[f"{name}_auroc"] = (
                    round(accuracy(p, hard), 5),
                    round(auroc(p, hard), 5),
                )
            model.train()
            curves.append(row)
            if early_stop and row.get("val_auroc", -math.inf) > best["score"]:
                trainable = {k: v.detach().clone() for k, v in model.state_dict().items()}
                best.update(score=row["val_auroc"], state=trainable, step=state.global_step)

    class W2STrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            targets = inputs.pop("soft_label")
            logits = model(**inputs)
            step_frac = self.state.global_step / max(self.state.max_steps, 1)
            loss = loss_fn(logits, targets, step_frac)
            return (loss, {"logits": logits}) if return_outputs else loss

    cuda = torch.cuda.is_available()
    precision = precision or training_precision("full", "float32")
    steps = max(1, math.ceil(len(train_ds) / batch_size) * epochs)
    args = TrainingArguments(
        output_dir=str(out_dir),
        per_device_train_batch_size=per_device_batch(batch_size),
        num_train_epochs=epochs,
        learning_rate=lr,
        lr_scheduler_type="cosine",
        warmup_steps=0,
        weight_decay=0.0,
        max_grad_norm=max_grad_norm,
        optim="adamw_torch",
        seed=seed,
        data_seed=seed,
        train_sampling_strategy="group_by_length",
        logging_steps=max(1, int(steps) // 20),
        save_strategy="no",
        report_to=[] if report_to == "none" else [report_to],
        run_name=out_dir.parent.name,
        remove_unused_columns=False,
        use_cpu=not cuda,
        **precision.trainer_flags(),
        **fsdp_args(distributed, model, gradient_checkpointing),
        dataloader_num_workers=0,
        disable_tqdm=False,
    )
    trainer = W2STrainer(
        model=model,
        args=args,
        train_dataset=train_ds.remove_columns(
            [c for c in train_ds.column_names if c not in ("input_ids", "attention_mask", "soft_label")]
        ),
        data_collator=Collator(tokenizer),
        callbacks=[Evaluate()],
    )
    readable_progress(trainer).train()
    if early_stop and best["state"] is not None:
        model.load_state_dict(best["state"])
    history = [{"step": h["step"], "loss": h["loss"]} for h in trainer.state.log_history if "loss" in h]
    return history, curves, best["step"] if early_stop else None


@torch.no_grad()
def predict_proba(model: PooledClassifier, tokenizer, ds, batch_size: int = 64) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    lengths = [len(x) for x in ds["input_ids"]]
    order = np.argsort(lengths)
    collate = Collator(tokenizer)
    out = np.zeros((len(ds), 2), dtype=np.float32)
    for i in tqdm(range(0, len(order), batch_size), desc="predict", leave=False):
        idx = order[i : i + batch_size].tolist()
        batch = collate([{k: ds[j][k] for k in ("input_ids", "attention_mask")} for j in idx])
        logits = model(**{k: v.to(device) for k, v in batch.items()})
        out[idx] = torch.softmax(logits.float(), -1).cpu().numpy()
    return out
