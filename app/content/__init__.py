"""Konten: articles and their Atom feeds, announcements, the transparency pages (hak dan kewajiban,
manfaat, prosedur, biaya) with every version kept, the search across them, and the editors' desk."""
from flask import Blueprint

bp = Blueprint("content", __name__)

from app.content import views  # noqa: E402,F401  (registers the routes)
