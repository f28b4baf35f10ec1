"""Unggahan foto dokumen (KTP, KK, akta): checked by content, re-encoded, kept out of reach.

SPEC §6: a size limit (UPLOAD_MAX_BYTES), the type sniffed from the bytes (Pillow must open it as
JPEG or PNG — the file name and the browser's content type are ignored), every image re-encoded as
a fresh JPEG (no EXIF, GPS, comments or colour profiles survive) at most MAX_SIDE pixels a side,
stored under UPLOAD_DIR with a random name — never under the static root — and served only by a
view that checks who is asking.
"""
import io
import os
import re
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.config import ROOT

ACCEPTED_FORMATS = ("JPEG", "PNG")
MAX_SIDE = 1600
#: refused before decoding: a small PNG can expand to gigabytes (decompression bomb)
MAX_PIXELS = 30_000_000
JPEG_QUALITY = 82
NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")
STATIC_ROOT = (ROOT / "app" / "static").resolve()


class UploadError(ValueError):
    """`code` says what is wrong: missing, too_large, not_image or dimensions."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def read_limited(file_storage, limit):
    """The uploaded bytes, reading at most limit + 1 of them (so a huge upload is not buffered)."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadError("missing")
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError("too_large")
    if not data:
        raise UploadError("missing")
    return data


def to_jpeg(data):
    """JPEG or PNG bytes → clean JPEG bytes; UploadError for anything else."""
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise UploadError("not_image")
            width, height = probe.size
            if width < 1 or height < 1:
                raise UploadError("not_image")
            if width * height > MAX_PIXELS:
                raise UploadError("dimensions")
            probe.verify()  # structure and checksums; the image cannot be used after this
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            if image.format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode a large JPEG at reduced size
            image.load()
            upright = ImageOps.exif_transpose(image)  # a phone photo keeps its orientation
            clean = _flatten(upright)
    except UploadError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError,
            EOFError, IndexError, TypeError):
        raise UploadError("not_image") from None
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _flatten(image):
    """A brand-new RGB image with the same pixels: transparency on white, and no `info` at all
    (Pillow would otherwise carry a JPEG comment over into the saved file)."""
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", rgba.size, (255, 255, 255))
    clean.paste(rgba, mask=rgba.getchannel("A"))
    return clean


def prepare(file_storage):
    """Read, check and re-encode an upload (nothing is written): the JPEG bytes to store."""
    return to_jpeg(read_limited(file_storage, current_app.config["UPLOAD_MAX_BYTES"]))


def upload_dir():
    directory = Path(current_app.config["UPLOAD_DIR"]).resolve()
    if directory == STATIC_ROOT or STATIC_ROOT in directory.parents:
        raise RuntimeError("UPLOAD_DIR must not be inside the static root")
    return directory


def store(jpeg):
    """Write the bytes under a fresh random name (atomically) and return the name."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.jpg"
    partial = directory / f".{name}.part"
    with open(partial, "xb") as fh:
        fh.write(jpeg)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, directory / name)
    return name


def path_of(name):
    """The stored file for `name`, or None (a name that is not ours never reaches the disk)."""
    if not name or not NAME.match(name):
        return None
    path = upload_dir() / name
    return path if path.is_file() else None


def remove(name):
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)
