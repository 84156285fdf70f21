"""Weak-to-strong reasoning (Yang et al. 2024), one module per idea:

config        ReasoningConfig, TrainParams, ReasoningGridSpec                        (no torch)
data          GSM8K / MATH / OlympicArena / word-problem splits; their sources in
              wordproblems (ASDiv, SVAMP, MAWPS) and olympic (OlympicArena and its judge)
answers       final answers and equivalence; normalize: MATH-style answers (sympy)
prompts       templates and demonstrations
policy        a base model and its adapters, merged in order
generation/   base (SamplingParams in, Generated out), sampling (per-row seeds), hf, vllm,
              backends (make_generator)
rows          cached, resumable generation sets; saved generations matched by id / prompt
training      trl SFT, DPO, ORPO with LoRA
selection     stage I: the consistent subset   voting  majority vote   pairs  stage II pairs
stages/       the stages in notebook order: weak (10), generate (11), stage1 (12), stage2 (13),
              evaluate (14); common: what they share
pipeline      the whole run: every method the paper compares, evaluated
evaluation    accuracy with 95% intervals, pass@k, maj@k, PGR
report        tables and the bar chart (notebook 19; no torch)
replay        stage-I selection on saved generations, no model (`w2s replay`)
experiment    identity, folders and data of one experiment                           (no torch)
grid          experiments over pairs and seeds   notebooks  the notebooks' parameter specs
"""
