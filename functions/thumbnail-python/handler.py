"""Thumbnail (Python): resize a base64-encoded image with Pillow.

Input: {"image": base64 PNG (1024x768, drawn from the seed), "width", "height"}.
Output: {"thumbnail": base64 JPEG, "width", "height", "format": "jpeg", "bytes"}.
"""
import base64
import io
import random

from PIL import Image, ImageDraw

from isawatt_input import field

SOURCE_SIZE = (1024, 768)


def make_input(seed):
    rng = random.Random(seed)
    w, h = SOURCE_SIZE
    # A smooth two-colour gradient with seeded shapes on top: photo-like enough to compress well.
    c0 = [rng.randrange(256) for _ in range(3)]
    c1 = [rng.randrange(256) for _ in range(3)]
    column = Image.new("RGB", (1, h))
    column.putdata([tuple(c0[k] + (c1[k] - c0[k]) * y // (h - 1) for k in range(3)) for y in range(h)])
    img = column.resize((w, h))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(20, 300), y0 + rng.randrange(20, 300)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=fill)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return {"image": base64.b64encode(buf.getvalue()).decode("ascii"), "width": 128, "height": 96}


def handler(event):
    width = field(event, "width", int, "an integer number of pixels")
    height = field(event, "height", int, "an integer number of pixels")
    image = field(event, "image", str, "a base64 string")
    if not (0 < width <= 4096 and 0 < height <= 4096):
        raise ValueError(f"target size {width}x{height} is out of range (1..4096)")
    with Image.open(io.BytesIO(base64.b64decode(image, validate=True))) as img:
        thumb = img.convert("RGB").resize((width, height), Image.LANCZOS)
    buf = io.BytesIO()
    thumb.save(buf, format="JPEG", quality=85)
    data = buf.getvalue()
    return {"thumbnail": base64.b64encode(data).decode("ascii"), "width": thumb.width, "height": thumb.height,
            "format": "jpeg", "bytes": len(data)}
