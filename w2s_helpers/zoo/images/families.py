"""AlexNet, ResNet (bottleneck) and ViT in plain torch, no torchvision needed.

State-dict keys match torchvision's `alexnet` / `resnet50` and DINO's `vit_base`, so the
reference's weights (torchvision AlexNet IMAGENET1K_V1, DINO ResNet-50 and ViT-B/8) load
with `strict=True`. Every class has the same small interface as `EfficientNetLite`:
`run(x, layer)` -> pooled features of block `layer` (1-based) or the final embedding
(`layer=None`), `classify(features)` -> logits, `depth`, `dims`, `feature_dim`,
`num_classes` (0 = headless, as DINO's models are), `resolution`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


class AlexNet(nn.Module):
    """torchvision's AlexNet. Blocks are the five conv+ReLU stages (pooled over space); the
    final embedding is the reference's: the flattened 6x6 avgpool output (9216-d)."""

    _ENDS = (2, 5, 8, 10, 12)  # block k is features[_ENDS[k-2]:_ENDS[k-1]]

    def __init__(
        self,
        channels: Sequence[int] = (64, 192, 384, 256, 256),
        hidden: int = 4096,
        num_classes: int = 1000,
        resolution: int = 224,
        dropout: float = 0.5,
    ):
        super().__init__()
        c1, c2, c3, c4, c5 = channels
        self.features = nn.Sequential(
            nn.Conv2d(3, c1, 11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(c1, c2, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(c2, c3, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c3, c4, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c4, c5, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(c5 * 36, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, num_classes),
        )
        self.depth, self.dims = 5, list(channels)
        self.feature_dim, self.num_classes, self.resolution = c5 * 36, num_classes, resolution

    def run(self, x: torch.Tensor, layer: int | None = None) -> torch.Tensor:
        end = len(self.features) if layer is None else self._ENDS[layer - 1]
        h = self.features[:end](x)
        return h.mean((2, 3)) if layer is not None else torch.flatten(self.avgpool(h), 1)

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        return self.classifier(features)


class Bottleneck(nn.Module):
    """torchvision's ResNet v1.5 bottleneck (stride on the 3x3 conv)."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int = 1):
        super().__init__()
        cout = planes * self.expansion
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return self.relu(h + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    """torchvision's bottleneck ResNet (`layers=(3, 4, 6, 3)`, `width=64` is ResNet-50).
    Blocks are the bottlenecks in order; the embedding is the pooled last block (2048-d for
    ResNet-50). `num_classes=0` drops `fc`, as DINO's hub model does."""

    def __init__(
        self,
        layers: Sequence[int] = (3, 4, 6, 3),
        width: int = 64,
        num_classes: int = 0,
        resolution: int = 224,
    ):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, padding=1)
        cin = width
        for i, n in enumerate(layers):
            planes = width * 2**i
            blocks = [
                Bottleneck(cin if j == 0 else planes * 4, planes, 2 if i and not j else 1) for j in range(n)
            ]
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
            cin = planes * 4
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes) if num_classes else None
        self.blocks = [b for i in range(len(layers)) for b in getattr(self, f"layer{i + 1}")]
        self.depth = len(self.blocks)
        self.dims = [b.bn3.num_features for b in self.blocks]
        self.feature_dim, self.num_classes, self.resolution = cin, num_classes, resolution

    def run(self, x: torch.Tensor, layer: int | None = None) -> torch.Tensor:
        h = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for block in self.blocks[: self.depth if layer is None else layer]:
            h = block(h)
        return torch.flatten(self.avgpool(h), 1)

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        if self.fc is None:
            raise ValueError("this ResNet has no classifier head (num_classes=0)")
        return self.fc(features)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class ViTBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch: int, dim: int):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class ViT(nn.Module):
    """DINO's VisionTransformer (`dim=768, depth=12, heads=12, patch=8` is ViT-B/8). Blocks
    are the transformer blocks (their CLS token is the pooled output); the embedding is the
    final-LayerNorm'd CLS token, as DINO's hub model returns. Position embeddings are
    interpolated (bicubic) when the input is not `resolution` pixels."""

    def __init__(
        self,
        dim: int = 768,
        depth: int = 12,
        heads: int = 12,
        patch: int = 8,
        mlp_ratio: float = 4.0,
        resolution: int = 224,
        num_classes: int = 0,
    ):
        super().__init__()
        self.patch_embed = PatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + (resolution // patch) ** 2, dim))
        self.blocks = nn.ModuleList(ViTBlock(dim, heads, mlp_ratio) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes) if num_classes else None
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.patch, self.depth, self.dims = patch, depth, [dim] * depth
        self.feature_dim, self.num_classes, self.resolution = dim, num_classes, resolution

    def _pos(self, h: int, w: int) -> torch.Tensor:
        n = self.pos_embed.shape[1] - 1
        if h * w == n and h == w:
            return self.pos_embed
        side = int(math.sqrt(n))
        grid = self.pos_embed[:, 1:].reshape(1, side, side, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(h, w), mode="bicubic", align_corners=False)
        return torch.cat([self.pos_embed[:, :1], grid.permute(0, 2, 3, 1).flatten(1, 2)], 1)

    def run(self, x: torch.Tensor, layer: int | None = None) -> torch.Tensor:
        gh, gw = x.shape[-2] // self.patch, x.shape[-1] // self.patch
        h = self.patch_embed(x)
        h = torch.cat([self.cls_token.expand(h.shape[0], -1, -1), h], 1) + self._pos(gh, gw)
        for block in self.blocks[: self.depth if layer is None else layer]:
            h = block(h)
        return self.norm(h)[:, 0] if layer is None else h[:, 0]

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        if self.head is None:
            raise ValueError("this ViT has no classifier head (num_classes=0)")
        return self.head(features)
