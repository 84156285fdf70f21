"""Image models of the zoo: tiny architectures end to end, the reference's key names and
sizes (built on the meta device: no memory, no download), one-line errors."""

import pytest
import torch

from w2s_helpers import zoo
from w2s_helpers.zoo.images.effnet import EfficientNetLite
from w2s_helpers.zoo.images.families import AlexNet, ResNet, ViT
from w2s_helpers.zoo.images.loaders import build


@pytest.mark.parametrize("name", zoo.names("image", tiny=True))
def test_tiny_families_end_to_end(name):
    spec = zoo.image_spec(name)
    model = zoo.load_image_model(name)
    assert model.depth == spec.depth and model.num_classes == spec.num_classes
    x = torch.randn(3, 3, spec.resolution, spec.resolution)
    with torch.inference_mode():
        assert model.run(x).shape == (3, spec.feature_dim)
        for k in (1, spec.depth):
            assert model.run(x, k).shape == (3, model.dims[k - 1])
        if spec.num_classes:
            assert model.classify(model.run(x)).shape == (3, spec.num_classes)
        else:
            with pytest.raises(ValueError, match="no classifier head"):
                model.classify(model.run(x))
    # seeded: the same random weights on every call
    assert all(
        torch.equal(a, b) for a, b in zip(model.state_dict().values(), build(name).state_dict().values())
    )


def test_vit_interpolates_position_embeddings():
    model = zoo.load_image_model("tiny-vitb8")
    with torch.inference_mode():
        assert model.run(torch.randn(2, 3, 48, 48)).shape == (2, 32)


def _meta(cls, **kw):
    with torch.device("meta"):
        return cls(**kw)


def _params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_reference_architectures_match_torchvision_and_dino():
    alex = _meta(AlexNet)
    assert _params(alex) == 61_100_840  # torchvision alexnet
    assert [k for k in alex.state_dict() if k.endswith("weight")] == [
        *(f"features.{i}.weight" for i in (0, 3, 6, 8, 10)),
        *(f"classifier.{i}.weight" for i in (1, 4, 6)),
    ]
    rn = _meta(ResNet, num_classes=1000)
    assert _params(rn) == 25_557_032 and len(rn.state_dict()) == 320  # torchvision resnet50
    assert "layer4.2.bn3.running_var" in rn.state_dict() and "layer3.0.downsample.1.weight" in rn.state_dict()
    dino = _meta(ResNet)
    assert "fc.weight" not in dino.state_dict() and dino.feature_dim == 2048
    vit = _meta(ViT, patch=8)
    sd = vit.state_dict()
    assert sd["pos_embed"].shape == (1, 785, 768) and sd["patch_embed.proj.weight"].shape == (768, 3, 8, 8)
    assert {"cls_token", "norm.weight", "blocks.11.attn.qkv.bias", "blocks.11.mlp.fc2.weight"} <= set(sd)
    assert _params(vit) == 85_807_872


@pytest.mark.parametrize(
    "variant,params,depth", [("lite0", 4_652_008, 16), ("lite1", 5_416_680, 21), ("lite2", 6_092_072, 21)]
)
def test_effnet_lite_sizes(variant, params, depth):
    with torch.device("meta"):
        m = EfficientNetLite.variant(variant)
    assert _params(m) == params and m.depth == depth
    spec = zoo.image_spec(f"effnet-{variant}")
    assert spec.depth == depth and spec.resolution == m.resolution and spec.mean == (0.5, 0.5, 0.5)


def test_registry_errors_are_one_line():
    with pytest.raises(zoo.UnknownModelError) as e:
        zoo.image_spec("resnet-9000")
    assert "unknown image model 'resnet-9000'" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(zoo.UnknownModelError, match="'minilm-l6'"):
        zoo.image_spec("minilm-l6")
    with pytest.raises(zoo.UnknownModelError, match="'alexnet' has no offline source"):
        zoo.resolve_source(zoo.image_spec("alexnet"), "offline")
    with pytest.raises(zoo.UnknownModelError, match="'effnet-lite0' has no hub source"):
        zoo.identity("effnet-lite0", "hub")
    with pytest.raises(zoo.UnknownModelError, match="is an image model"):
        zoo.model_path("effnet-lite0")
    with pytest.raises(ValueError, match="source 'gpu'"):
        zoo.identity("effnet-lite0", "gpu")


def test_identity_names_the_weights():
    assert zoo.identity("effnet-lite0") == (
        "offline:effnet-lite0:579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db:v1"
    )
    assert zoo.identity("effnet-lite0@3") == zoo.identity("effnet-lite0") + "@3"  # a block of it
    assert "facebookresearch/dino:main/dino_vitb8" in zoo.identity("dino-vitb8")
    assert zoo.identity("alexnet") == zoo.identity("alexnet", "hub")
    assert zoo.identity("tiny-alexnet").startswith("tiny:tiny-alexnet:")
    assert zoo.names("image", offline=True) == ["effnet-lite0", "effnet-lite1", "effnet-lite2"]


def test_online_weights_load_strictly_and_fail_in_one_line(monkeypatch):
    """The hub path on a tiny stand-in: a headless model drops the checkpoint's classifier,
    any other mismatch fails; a failed download is one clear line."""
    import dataclasses
    import urllib.error

    spec = dataclasses.replace(
        zoo.image_spec("tiny-resnet50"),
        name="tiny-online",
        tiny=False,
        url="https://example.invalid/w.pth",
    )
    monkeypatch.setitem(zoo.MODELS, "tiny-online", spec)
    weights = {
        k: torch.randn_like(v) if v.is_floating_point() else v
        for k, v in build("tiny-resnet50").state_dict().items()
    }
    extra = {"fc.weight": torch.zeros(1000, 256), "fc.bias": torch.zeros(1000)}
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", lambda *a, **k: {**weights, **extra})
    model = zoo.load_image_model("tiny-online")
    assert torch.equal(model.state_dict()["conv1.weight"], weights["conv1.weight"])
    assert zoo.identity("tiny-online").startswith("hub:")

    monkeypatch.setattr(
        torch.hub, "load_state_dict_from_url", lambda *a, **k: {**weights, "layer9.x": torch.zeros(1)}
    )
    with pytest.raises(RuntimeError, match="layer9.x"):
        zoo.load_image_model("tiny-online")

    def offline(*a, **k):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", offline)
    with pytest.raises(RuntimeError, match="'tiny-online' is online only") as e:
        zoo.load_image_model("tiny-online")
    assert "\n" not in str(e.value)
