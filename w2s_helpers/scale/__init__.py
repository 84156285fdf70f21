"""Running at scale: the hardware a grid declares and what each run needs of it (the grid
engine that runs cells on it is `grid`).

resources   Resources: what a job asks for and what the declared machines have (no torch)
memory      per-run strategy and peak memory per device: one GPU / FSDP / QLoRA / vLLM TP / CPU
"""
