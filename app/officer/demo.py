"""Demo families that show every case an officer meets (README "Demo accounts"): PBI, PPU with an
employer, BP, "nonaktif lain", ten years of history, a REHAB plan; and the facilitator's districts.

Synthetic people on real regions, found by card number first, so seeding twice changes nothing.
"""
from datetime import date

from app.contributions import billing
from app.core import clock
from app.core.demo import _account, _pay_monthly
from app.models import Facility, Family, MembershipChange, Participant, StaffDistrict, User
from app.rules import contributions

FACILITATOR_DISTRICTS = ("32.01.01", "32.73.02")
REHAB_INSTALMENTS = 6

#: key, KK, segment, class, district, address, FKTP, VA, registered on, first month paid for,
#: paid up to (months from the current one; None: nobody pays through a VA), employer, members:
#:   (card, NIK, name, sex, birth date, relationship, joined on (None: with the family), account)
FAMILIES = (
    ("pbi", "3201010303200003", "PBI", 3, "32.01.01", "Kp. Citatah RT 04/RW 01, Cibinong", "DEMO-PKM-3201",
     None, date(2022, 3, 1), None, None, "", (
         ("0001000000006", "3201011206700001", "Slamet Riyadi", "L", date(1970, 6, 12), "kepala", None, True),
         ("0001000000007", "3201014309740002", "Sri Wahyuni", "P", date(1974, 9, 3), "istri", None, False),
     )),
    ("ppu", "3273020404190004", "PPU", 1, "32.73.02", "Jl. Dipatiukur No. 31, Coblong", "DEMO-PKM-3273",
     None, date(2019, 4, 1), None, None, "PT Contoh Tekstil Bandung", (
         ("0001000000008", "3273021402880001", "Hendra Gunawan", "L", date(1988, 2, 14), "kepala", None, True),
         ("0001000000009", "3273026005900002", "Rina Marlina", "P", date(1990, 5, 20), "istri", None, False),
     )),
    ("bp", "3603030505170005", "BP", 2, "36.03.03", "Perum Tigaraksa Indah Blok C2 No. 5, Tigaraksa",
     "DEMO-PKM-3603", "8888800000000005", date(2021, 5, 3), None, 0, "", (
         ("0001000000010", "3603032501500001", "Ahmad Sobari", "L", date(1950, 1, 25), "kepala", None, True),
     )),
    ("nonaktif", "3201010606210006", "PPU", 2, "32.01.01", "Kp. Sukahati RT 01/RW 03, Cibinong",
     "DEMO-PKM-3201", None, date(2021, 6, 1), None, None, "CV Contoh Mebel Cibinong", (
         ("0001000000011", "3201010810920001", "Yusuf Maulana", "L", date(1992, 10, 8), "kepala", None, True),
     )),
    # registered ten years ago; the app prices months from July 2020 (the first rates it knows)
    ("sepuluh_tahun", "3273020707160007", "PBPU", 2, "32.73.02", "Jl. Cisitu Lama No. 12, Coblong",
     "DEMO-PKM-3273", "8888800000000007", date(2016, 12, 1), date(2020, 7, 1), 0, "", (
         ("0001000000012", "3273023003750001", "Wayan Sudarsana", "L", date(1975, 3, 30), "kepala", None, True),
         ("0001000000013", "3273024707780002", "Made Ayu Lestari", "P", date(1978, 7, 7), "istri", None, False),
         ("0001000000014", "3273021102190003", "Kadek Putra", "L", date(2019, 2, 11), "anak", date(2019, 2, 20),
          False),
     )),
    ("rehab", "3201010808200008", "PBPU", 3, "32.01.01", "Kp. Babakan RT 05/RW 02, Cibinong", "DEMO-PKM-3201",
     "8888800000000008", date(2022, 1, 3), None, -9, "", (
         ("0001000000015", "3201010112830001", "Asep Saepudin", "L", date(1983, 12, 1), "kepala", None, True),
         ("0001000000016", "3201015604860002", "Euis Komariah", "P", date(1986, 4, 16), "istri", None, False),
     )),
)
#: the ten-year family's membership history: (effective on, field, old, new)
TEN_YEARS = (
    (date(2018, 1, 1), "care_class", "3", "2"),
    (date(2019, 2, 20), "phone", "", "081200000012"),
    (date(2020, 3, 1), "fktp", "Klinik Pratama Dago Medika", "Puskesmas Coblong"),
    (date(2023, 8, 1), "address", "Jl. Tubagus Ismail No. 3, Coblong", "Jl. Cisitu Lama No. 12, Coblong"),
)


def _family(created, row):
    (key, kk, segment, care_class, district, address, fktp, va, registered_on, cover_from, paid_to,
     employer, members) = row
    family = Family.get_or_none(Family.kk_number == kk)
    if family is not None:
        return family, False
    family = Family.create(
        kk_number=kk, segment=segment, care_class=care_class, district=district, address=address,
        fktp=Facility.get(Facility.code == fktp), va_number=va, employer=employer, registered_on=registered_on,
        cover_start=cover_from or contributions.month_of(registered_on))
    created.append("family")
    for card, nik, name, sex, born, relationship, joined, has_account in members:
        person = Participant(card_number=card, name=name, sex=sex, birth_date=born, family=family,
                             relationship=relationship, registered_on=joined or registered_on)
        person.nik = nik
        person.save()
        created.append("participant")
        if has_account:
            _account(created, participant=person, role="peserta")
    if paid_to is not None:
        last = contributions.add_months(contributions.month_of(clock.today()), paid_to)
        created += ["payment"] * _pay_monthly(family, family.cover_start, last)
    return family, True


def seed(created):
    today = clock.today()
    facilitator = User.get_or_none(User.username == "fasilitator")
    if facilitator is not None and not facilitator.district_codes():
        for code in FACILITATOR_DISTRICTS:
            StaffDistrict.create(user=facilitator, district=code)
    for row in FAMILIES:
        family, new = _family(created, row)
        if not new:
            continue
        if row[0] == "nonaktif":  # the employer stopped paying: an officer set it from last month
            family.inactive_reason = "ppu_berhenti"
            family.inactive_from = contributions.add_months(contributions.month_of(today), -1)
            family.save()
            MembershipChange.record(family, "inactive_reason", "", "ppu_berhenti", family.inactive_from)
        elif row[0] == "sepuluh_tahun":
            for effective_on, field, old, new_value in TEN_YEARS:
                MembershipChange.record(family, field, old, new_value, effective_on)
        elif row[0] == "rehab":  # through the REHAB workflow itself, as the head would
            head = family.head()
            billing.register_rehab(User.get(User.participant == head), head, REHAB_INSTALMENTS, today)
            created.append("rehab plan")
