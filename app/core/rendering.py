"""One rule for full page versus htmx fragment, and the render helper every view uses."""
from flask import render_template

from app.core.extensions import htmx


def wants_fragment():
    """An htmx request that is neither a boosted navigation nor a history restore."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page, fragment=None, **context):
    """Render `page`, or only `fragment` (which the page includes) when the rule says so."""
    return render_template(fragment if fragment and wants_fragment() else page, **context)
