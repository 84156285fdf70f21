"""Running at scale: the hardware a grid declares, memory estimates and the plan printed
before anything runs, the executors that run a grid's cells (this process, or a cluster
through submitit), and opt-in experiment tracking.

resources   Resources: what a job asks for and what the declared machines have (no torch)
memory      per-run strategy and peak memory per device: one GPU / FSDP / QLoRA / vLLM TP / CPU
plan        PlanRow and the table `w2s grid --plan` prints
executors   run cells locally or as submitit jobs (Slurm, or submitit's local processes)
tracking    grid progress to wandb / tensorboard, beside the trainers' own report_to
"""
