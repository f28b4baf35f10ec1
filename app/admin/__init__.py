"""Administration (admin): rate versions (tarif iuran), the editor right of officers."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import views  # noqa: E402,F401  (registers the routes)
