"""QR codes as inline SVG (segno: a small pure-Python encoder, no images, no extra request)."""
from functools import lru_cache

import segno
from markupsafe import Markup


@lru_cache(maxsize=4096)  # a card number always encodes the same way; encoding costs milliseconds
def qr_svg(text):
    """An <svg> (viewBox only: CSS sizes it) encoding `text`, dark on white, quiet zone included."""
    return Markup(segno.make(text, error="m", micro=False).svg_inline(
        scale=1, dark="#000", light="#fff", omitsize=True))
