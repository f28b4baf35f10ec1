"""Demo: a member Dewi's family asked to add that waits for an officer (not a child), so the work
queue and the review page show the case."""
import io
from datetime import date

from PIL import Image

from app.core import security, uploads
from app.models import MemberAddition, Participant, User

NIK = "3273024507500009"  # made up: born 5 Jul 1950, female


def _document():
    image = io.BytesIO()
    Image.new("RGB", (120, 80), (245, 245, 235)).save(image, "PNG")
    return uploads.store(uploads.to_jpeg(image.getvalue()))


def seed(created):
    index = security.blind_index(NIK, "nik")
    if MemberAddition.select().where(MemberAddition.nik_index == index).exists():
        return
    dewi = Participant.by_card("0001000000002")
    addition = MemberAddition(family=dewi.family, requested_by=User.get(User.participant == dewi),
                              nik_index=index, document=_document(), reasons="not_child")
    addition.data = {"nik": NIK, "name": "Sumarni", "sex": "P", "birth_date": date(1950, 7, 5).isoformat(),
                     "relationship": "lainnya"}
    addition.save()
    created.append("member_addition")
