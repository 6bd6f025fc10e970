"""Video to GIF (Python): transcode a short video to an animated GIF with ffmpeg.

Input: {"video": base64 MP4, "fps", "width"}; the video is made from the seed by ffmpeg itself (a
Game of Life pattern from the lavfi `life` source, seeded, 2 s at 10 fps, H.264), so nothing is
downloaded. Output: {"gif": base64, "bytes"}. The GIF uses a palette computed from the clip
(palettegen + paletteuse), the usual way to get a good-looking GIF out of ffmpeg.
"""
import base64
import os
import subprocess
import tempfile

from isawatt_input import field

FFMPEG = "/usr/bin/ffmpeg"


def _run(args):
    res = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", *args], capture_output=True)
    if res.returncode != 0:
        raise RuntimeError("ffmpeg failed (exit %d): %s" % (res.returncode, res.stderr.decode("utf-8", "replace").strip()[-500:]))


def make_input(seed):
    source = ("life=size=80x60:rate=10:seed=%d:mold=10:ratio=0.3:life_color=#30e060:death_color=#602020,"
              "scale=320:240:flags=neighbor" % (seed % 2**32))
    with tempfile.TemporaryDirectory(prefix="isawatt-video-") as tmp:
        out = os.path.join(tmp, "input.mp4")
        _run(["-f", "lavfi", "-i", source, "-t", "2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "28",
              "-pix_fmt", "yuv420p", "-threads", "1", "-movflags", "+faststart", out])
        with open(out, "rb") as f:
            video = f.read()
    return {"video": base64.b64encode(video).decode("ascii"), "fps": 10, "width": 160}


def handler(event):
    video_b64 = field(event, "video", str, "a base64 string")
    fps = int(event.get("fps", 10))
    width = int(event.get("width", 160))
    if not (0 < fps <= 60 and 0 < width <= 1920):
        raise ValueError(f"fps {fps} or width {width} out of range (fps 1..60, width 1..1920)")
    video = base64.b64decode(video_b64, validate=True)
    with tempfile.TemporaryDirectory(prefix="isawatt-gif-") as tmp:
        src = os.path.join(tmp, "in.mp4")
        dst = os.path.join(tmp, "out.gif")
        with open(src, "wb") as f:
            f.write(video)
        # One worker is one CPU: single-threaded decode and filters.
        _run(["-threads", "1", "-i", src, "-filter_threads", "1",
              "-vf", f"fps={fps},scale={width}:-2:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse",
              "-loop", "0", dst])
        with open(dst, "rb") as f:
            gif = f.read()
    return {"gif": base64.b64encode(gif).decode("ascii"), "bytes": len(gif)}
