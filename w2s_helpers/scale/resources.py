"""What one job of a grid asks for, and what the machines the spec declares have."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.configs import coerce, param


@dataclass
class Resources:
    """The machine a grid's jobs run on (one job per cell), as the spec declares it."""

    gpus: int = param(0, "GPUs per job (0: CPU only, the offline default)")
    gpu_memory_gb: float = param(80.0, "memory of one GPU (an H100 / A100-80GB)")
    cpus: int = param(2, "CPU cores per job (the 2-core CI machine)")
    memory_gb: float = param(24.0, "host memory per job")
    timeout_min: int = param(240, "wall-clock limit per job; a killed job is retried, then reported")
    partition: str | None = param(None, "Slurm partition (submitit's slurm_partition)")
    slurm_extra: dict = param({}, "more submitit slurm_* parameters, e.g. {account: ..., qos: ...}")

    def __post_init__(self) -> None:
        coerce(self)
        if self.gpus < 0 or self.cpus < 1 or self.gpu_memory_gb <= 0 or self.memory_gb <= 0:
            raise ValueError("resources: gpus >= 0, cpus >= 1 and positive memory sizes")

    def describe(self) -> str:
        gpu = f"{self.gpus}x{self.gpu_memory_gb:g}GB GPU" if self.gpus else "no GPU"
        return f"{gpu}, {self.cpus} CPU, {self.memory_gb:g}GB RAM, {self.timeout_min} min"

    def share(self, gpus: int) -> Resources:
        """A job of `gpus` of the node's GPUs with that share of its CPUs and host RAM (a
        gpt2 run on one of eight GPUs asks Slurm for an eighth of the node)."""
        if not self.gpus or gpus >= self.gpus:
            return replace(self)
        frac = gpus / self.gpus
        return replace(
            self, gpus=gpus, cpus=max(1, self.cpus * gpus // self.gpus), memory_gb=self.memory_gb * frac
        )

    def overrides(self, job: Resources) -> dict:
        """The fields of `job` that differ from these: what a cell's job overrides."""
        return {k: v for k, v in vars(job).items() if v != getattr(self, k)}
