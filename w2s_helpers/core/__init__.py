"""The shared core; nothing here imports torch at import time or a flow.

paths       cache and results folders; paths a user names, resolved
fileio      atomic writes; strict readers that name the file, line and field
hashing     the one hashing helper (canonical JSON), file content sums, slugs
runs        artefact folders <kind>/<slug>-<hash>: config first, result last
configs     param(default, why, result=, when=, key=, path=); identity; coercion; from_dict; recipes
compute     the compute block every training or generating config extends; resolve_dtype
stats       pgr and the Wilson interval, for both flows
notebooks   parameters cells rendered from configs; the papermill runner
progress    readable progress bars for headless kernels (the runner's)
tables      tables (CSV / Markdown) and figures (PNG), written atomically
dist        which process this is under a distributed launcher
launch      `accelerate launch` of one stage in n processes (DDP / FSDP)
worker      the launched process's entry point
"""
