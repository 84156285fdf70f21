"""Weak-to-strong classification (Burns et al. 2023), text and images, one module per idea:

config     ClassificationConfig                  grid_spec  ClassificationGridSpec (= GridSpec)  (no torch)
data/      task registry: offline packages, hub rules, your files; a dataset's modality
features   frozen text features, cached     images     image tasks and features, the same flow
probe      linear probes                    finetune   full / LoRA / QLoRA fine-tuning (HF Trainer)
fit        one training of any mode on any targets (gt, transfer, strong-to-strong)
losses     xent, logconf, product, ...      metrics    accuracy, AUROC
baselines  kNN / logistic-regression relabelling and filtering, TopoFilter
prompting  zero- / few-shot prompting baselines: label-word probabilities, prefix KV cache
methods    the methods beyond the reference code, as grids name them ("between" rungs)  (no torch)
stages     the ground-truth and transfer runs (notebooks 01, 02)
supervision  weak labels: one supervisor, several combined (mean, most confident, fitted); confidence filter
transfer   the student's side of a transfer run: the sealed view (no gold), every method's training
scoring    the evaluation side, the only reader of half 2's and test's gold; analysis: imitation, misfit
grid       a grid's rules and cells         plan       its plan rows
sizing     what a run needs of the node; the cells' job sizes (1 GPU, or the spec's FSDP)
flow       the flow as the grid engine runs it: load_spec, validate, run_grid
notebooks  the notebooks' parameter specs
records, report, figures   tables and figures from run records (notebook 03; no torch)
analysis_figures   PGR against the strong model; imitation (agreement, misfit vs gain) figures
medians    median PGR: the reference's statistic with a seed-bootstrap interval, the per-seed variant
leaderboard  a grid root's rows of `w2s leaderboard`: median PGR per method, all pairs and each pair (no torch)
"""
