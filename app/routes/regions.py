"""Wilayah: the province → regency → district picker, usable on its own and inside other forms."""
from flask import Blueprint, request

from app.auth import public
from app.models import Region, RegionChoice
from app.rendering import render

bp = Blueprint("regions", __name__)


@bp.get("/wilayah")
@public
def picker():
    choice = RegionChoice(request.args)
    villages = Region.children_of(choice.district.code) if choice.district else []
    return render("regions/picker.html", "regions/_picker.html", choice=choice, villages=villages)
