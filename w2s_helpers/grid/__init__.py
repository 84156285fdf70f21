"""The grid engine both flows share: specs, cells, executors, the plan, tracking.

spec        GridSpecBase (the fields every flow's spec has), reading YAML, paths, common rules, sweeps
flow        the Flow a flow builds (its types and rules, as data) and its Phases of cells
engine      load_spec / validate / plan / run_grid for any flow
cells       Cell, Outcome, GridFailed; running cells in this process (failures recorded, not fatal)
executors   local, or one submitit job per cell (Slurm, or local processes); retries
jobs        the ledger of each cell's job ids; a restarted driver reattaches to live Slurm jobs
plan        PlanRow and the table `w2s grid --plan` prints; PlanError
tracking    the grid's progress to wandb / tensorboard, beside the trainers' own report_to

A new executor goes in `executors`; a new flow builds a `flow.Flow` in its own package.
"""
