"""Weak-to-strong reasoning (Yang et al. 2024), one module per idea:

config       ReasoningConfig, TrainParams, ReasoningGridSpec        (no torch)
data         GSM8K / MATH / OlympicArena splits     answers   final answers, equivalence
prompts      templates and demonstrations           experiment  identity and folders (no torch)
policy       base model + merged adapters           generation  transformers / vLLM backends
rows         cached, resumable generation sets      training    trl SFT, DPO, ORPO (LoRA)
selection    stage I: the consistent subset          voting      majority vote
pairs        stage II: contrastive pairs            evaluation  accuracy, pass@k, maj@k
stages       the stages the notebooks 10-14 call    grid        experiments over pairs and seeds
report       tables and the bar chart (notebook 19; no torch)
"""
