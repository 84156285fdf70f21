"""One registry of every model: each entry has a modality, the flows ask it (never a name),
and its lookups and identities import no torch."""

import re
import subprocess
import sys
from typing import get_args

import pytest

from conftest import REPO
from w2s_helpers import zoo
from w2s_helpers.classification import data


def test_every_entry_has_a_modality():
    assert zoo.MODELS and all(s.modality in get_args(zoo.Modality) for s in zoo.MODELS.values())
    assert {s.modality for s in zoo.MODELS.values()} == set(get_args(zoo.Modality))
    assert zoo.names() == list(zoo.MODELS)
    assert set(zoo.names("image")) >= {"effnet-lite0", "alexnet", "dino-vitb8", "tiny-resnet50"}


@pytest.mark.parametrize(
    "name,modality",
    [
        ("minilm-l6", "text-encoder"),
        ("smollm2-135m", "causal-lm"),
        ("tiny-random-bert", "text-encoder"),
        ("effnet-lite0", "image"),
        ("effnet-lite0@3", "image"),
        ("tiny-vitb8@1", "image"),
        ("Qwen/Qwen2.5-7B", "causal-lm"),  # a hub id: a causal LM with the registry's defaults
    ],
)
def test_modality_of_any_name(name, modality):
    assert zoo.modality(name) == modality


def test_local_checkpoint_folders_are_text(tmp_path):
    for arch, modality in (("BertModel", "text-encoder"), ("LlamaForCausalLM", "causal-lm")):
        ckpt = tmp_path / arch
        ckpt.mkdir()
        (ckpt / "config.json").write_text(f'{{"architectures": ["{arch}"]}}')
        assert zoo.modality(str(ckpt)) == modality


def test_blocks_belong_to_image_models_only():
    assert zoo.split_block("effnet-lite0@3") == ("effnet-lite0", 3)
    assert zoo.split_block("minilm-l6") == ("minilm-l6", None)
    assert zoo.get_spec("effnet-lite0@3") is zoo.get_spec("effnet-lite0")
    for bad in ("minilm-l6@3", "effnet-lite0@x", "gpt5-nano"):
        assert zoo.split_block(bad) == (bad, None)
        with pytest.raises(zoo.UnknownModelError, match=re.escape(repr(bad))):
            zoo.modality(bad)


def test_dataset_modality(tmp_path):
    assert data.modality("cifar10") == "image" and data.modality("movie_sentiment") == "text"
    assert data.modality(str(tmp_path / "x.jsonl")) == "text"
    (tmp_path / "imgs" / "cat").mkdir(parents=True)
    assert data.modality(str(tmp_path / "imgs")) == "image"


def test_lookups_and_identities_import_no_torch():
    code = (
        "import sys; from w2s_helpers import zoo; from w2s_helpers.classification import data; "
        "zoo.get_spec('effnet-lite0@3'); zoo.modality('minilm-l6'); data.modality('cifar10'); "
        "[zoo.identity(n) for n in zoo.names(tiny=True) + ['effnet-lite0@3', 'minilm-l6']]; "
        "print(sorted(m for m in ('torch', 'transformers', 'numpy', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_flows_ask_the_registry_never_a_name():
    """No flow decides the modality from a model's or a dataset's name."""
    for flow in ("classification", "reasoning"):
        for path in (REPO / "w2s_helpers" / flow).rglob("*.py"):
            text = path.read_text()
            assert "is_image" not in text, f"{path.relative_to(REPO)}: ask zoo.modality / data.modality"
            assert "vision.names" not in text and "vision.zoo" not in text, path.relative_to(REPO)
