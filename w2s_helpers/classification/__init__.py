"""Weak-to-strong classification (Burns et al. 2023), one module per stage:

config     ClassificationConfig, GridSpec                      (no torch)
data/      task registry: offline packages, hub rules, your files
features   frozen features, cached          probe      linear probes
finetune   full / LoRA fine-tuning (HF Trainer)
losses     xent, logconf, product, ...      metrics    accuracy, AUROC, PGR
stages     the ground-truth and transfer runs (notebooks 01, 02)
grid       sweeps over datasets x ladder x losses x seeds
records, report, figures   tables and figures from run records (notebook 03; no torch)
"""
