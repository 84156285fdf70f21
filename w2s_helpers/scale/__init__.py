"""Running at scale: the hardware a grid declares and what each run needs of it (the grid
engine that runs cells on it is `grid`).

resources   Resources: what a job asks for and what the declared machines have (no torch)
memory      per-run strategy, peak memory per device and host RAM: one GPU / FSDP / QLoRA / vLLM TP / CPU
arch        a model's sizes from its registry entry: LoRA counts, activations, KV cache
"""
