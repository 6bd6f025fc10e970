"""Image recognition (Python): AlexNet classification of an image with torchvision.

The pretrained ImageNet weights cannot be had here (nothing is downloaded), so the model is
torchvision's AlexNet architecture with weights drawn from a fixed seed. The compute per inference
(about 0.7 GMAC: 5 convolutions, 3 fully connected layers, 61 M parameters) is exactly that of
the pretrained model; only the meaning of the 1000 scores differs. The model is built once per
worker (warm) and run single-threaded: one worker is one CPU.

Input: {"image": base64 PNG (224x224 RGB, drawn from the seed)}. Output: {"scores": 1000 softmax
probabilities, "top5": [[class index, probability], ...]}.
"""
import base64
import io
import os

# One worker is one CPU: keep OpenBLAS (loaded by NumPy) to one thread, set before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch
import torchvision
from PIL import Image

from isawatt_input import field

WEIGHT_SEED = 20240521
SIZE = 224
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)

torch.set_num_threads(1)
torch.manual_seed(WEIGHT_SEED)
MODEL = torchvision.models.alexnet(weights=None).eval()


def make_input(seed):
    rng = np.random.default_rng(seed)
    # Low-frequency colour noise upsampled to 224x224: image-like rather than white noise.
    coarse = (rng.random((14, 14, 3)) * 255).astype(np.uint8)
    img = Image.fromarray(coarse, "RGB").resize((SIZE, SIZE), Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return {"image": base64.b64encode(buf.getvalue()).decode("ascii")}


def handler(event):
    with Image.open(io.BytesIO(base64.b64decode(field(event, "image", str, "a base64 string"), validate=True))) as img:
        rgb = img.convert("RGB")
        if rgb.size != (SIZE, SIZE):
            rgb = rgb.resize((SIZE, SIZE), Image.BILINEAR)
        pixels = np.asarray(rgb, dtype=np.float32) / 255.0
    x = (torch.from_numpy(pixels).permute(2, 0, 1) - MEAN) / STD
    with torch.inference_mode():
        probs = torch.softmax(MODEL(x.unsqueeze(0))[0], dim=0)
    top = torch.topk(probs, 5)
    return {
        "scores": probs.tolist(),
        "top5": [[int(i), float(p)] for p, i in zip(top.values.tolist(), top.indices.tolist())],
    }
