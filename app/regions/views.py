"""Wilayah: the province → regency → district picker, usable on its own and inside other forms."""
from flask import request

from app.core.auth import public
from app.core.pagecache import same_for_everyone
from app.core.rendering import render
from app.models import Region, RegionChoice
from app.regions import bp


@bp.get("")
@same_for_everyone
@public
def picker():
    choice = RegionChoice(request.args)
    villages = Region.options(choice.district.code) if choice.district else ()
    return render("regions/picker.html", "regions/_picker.html", choice=choice, villages=villages)
