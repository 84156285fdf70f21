"""Weak-to-strong reasoning (Yang et al. 2024), one module per idea:

config        ReasoningConfig, TrainParams, LoraRecipe, ReasoningGridSpec             (no torch)
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
evaluation    scoring: accuracy with 95% intervals, pass@k, maj@k (PGR: core.stats)
report        tables and the bar chart (notebook 19; no torch)
replay        stage-I selection on saved generations, no model (`w2s replay`)
experiment    folders and splits of one experiment (its identity is the config's)     (no torch)
grid          a grid's rules and cells: experiments over sweeps x pairs x seeds
plan          its plan rows                 flow   the flow as the grid engine runs it
sizing        each stage's estimate; an experiment's job asks for its largest stage's GPUs
grid_report   the grid's table over every experiment, with intervals                (no torch)
leaderboard   an experiment's or a grid's rows of `w2s leaderboard`, best PGR first   (no torch)
notebooks     the notebooks' parameter specs
"""
