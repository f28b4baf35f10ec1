"""Synthetic demo data on real regions: two families, a few facilities, one account per role.

Names, numbers and phones are made up. Every record is found by its natural key first, so seeding
twice changes nothing. The accounts are listed in the README.
"""
import importlib
from datetime import date, datetime, timedelta

import click

from app.core import clock
from app.core.db import db
from app.facilities import service as facility_search
from app.models import (
    Allocation,
    BedAvailability,
    Facility,
    Family,
    OpeningHours,
    Participant,
    Payment,
    Poli,
    Referral,
    Region,
    User,
)
from app.rules import contributions
from app.rules.facilities import search_key

PASSWORD = "demo1234"
#: areas with a demo.py, seeded in this order after the families, facilities and accounts above
DEMO_AREAS = ("registration", "officer", "health", "inbox", "cases", "content", "assist", "api")
REFERRAL_DAYS = 90  # a referral to a hospital is valid 90 days (SPEC §3)

FACILITIES = (
    # code, name, kind, district, address, phone, lat, lon
    ("DEMO-PKM-3201", "Puskesmas Cibinong", "puskesmas", "32.01.01",
     "Jl. Mayor Oking No. 10, Cibinong", "021-555-0101", -6.4816, 106.8540),
    ("DEMO-KLP-3201", "Klinik Pratama Harapan Sehat", "klinik_pratama", "32.01.01",
     "Jl. Raya Bogor Km 43, Cibinong", "021-555-0102", -6.4702, 106.8467),
    ("DEMO-RS-3201", "RSUD Cibinong Contoh", "rumah_sakit", "32.01.01",
     "Jl. KSR Dadi Kusmayadi No. 27, Cibinong", "021-555-0103", -6.4867, 106.8423),
    ("DEMO-APT-3201", "Apotek Sehat Farma", "apotek", "32.01.01",
     "Jl. Tegar Beriman No. 5, Cibinong", "021-555-0104", -6.4790, 106.8302),
    ("DEMO-PKM-3273", "Puskesmas Coblong", "puskesmas", "32.73.02",
     "Jl. Sadang Serang No. 8, Coblong", "022-555-0201", -6.8913, 107.6220),
    ("DEMO-KLP-3273", "Klinik Pratama Dago Medika", "klinik_pratama", "32.73.02",
     "Jl. Ir. H. Juanda No. 120, Coblong", "022-555-0202", -6.8850, 107.6135),
    ("DEMO-PKM-3603", "Puskesmas Tigaraksa", "puskesmas", "36.03.03",
     "Jl. Aria Jaya Santika, Tigaraksa", "021-555-0301", -6.2652, 106.4766),
)

FAMILIES = (
    # KK, segment, class, district, address, FKTP code, VA, registered on,
    # months paid up to (relative to the current month: -4 leaves 3 months of arrears), members:
    #   (card, NIK, name, sex, birth date, relationship, phone, has an account)
    ("3201010101190001", "PBPU", 3, "32.01.01", "Kp. Pabuaran RT 02/RW 05, Cibinong",
     "DEMO-PKM-3201", "8888800000000001", date(2021, 2, 1), -4, (
         ("0001000000001", "3201011708850001", "Budi Santoso", "L", date(1985, 8, 17), "kepala",
          "081200000001", True),
         ("0001000000003", "3201014203880002", "Siti Aminah", "P", date(1988, 3, 2), "istri",
          "081200000003", False),
         ("0001000000004", "3201011001150003", "Rizky Pratama", "L", date(2015, 1, 10), "anak", "", False),
     )),
    ("3273020202180002", "PBPU", 2, "32.73.02", "Jl. Tubagus Ismail Dalam No. 7, Coblong",
     "DEMO-PKM-3273", "8888800000000002", date(2021, 1, 4), 0, (
         ("0001000000002", "3273026104790001", "Dewi Lestari", "P", date(1979, 4, 21), "kepala",
          "081200000002", True),
         ("0001000000005", "3273020511760002", "Agus Wijaya", "L", date(1976, 11, 5), "suami",
          "081200000005", False),
     )),
)

STAFF = (
    # username, role, facility code
    ("fasilitator", "fasilitator", None),
    ("faskes", "petugas_faskes", "DEMO-PKM-3201"),
    ("faskesrs", "petugas_faskes", "DEMO-RS-3201"),
    ("petugas", "petugas_bpjs", None),
    ("admin", "admin", None),
)


def _account(created, **match):
    user = User.get_or_none(**match)
    if user is None:
        user = User(**match)
        user.set_password(PASSWORD)
        user.save()
        created.append("user")
    return user


SERVICES = {
    "puskesmas": ("poli_umum", "poli_gigi", "kia", "persalinan", "laboratorium"),
    "klinik_pratama": ("poli_umum", "poli_gigi"),
    "rumah_sakit": ("igd_24_jam", "rawat_inap", "poli_spesialis", "persalinan", "laboratorium", "radiologi"),
    "apotek": ("apotek_prb",),
}
POLIS = {
    "puskesmas": (("umum", "Poli Umum", "07:30", 8, 40), ("gigi", "Poli Gigi", "08:00", 20, 12),
                  ("kia", "Poli KIA", "08:00", 15, 20)),
    "klinik_pratama": (("umum", "Poli Umum", "08:00", 10, 30),),
    "rumah_sakit": (("penyakit_dalam", "Poli Penyakit Dalam", "09:00", 15, 30),
                    ("anak", "Poli Anak", "09:00", 15, 20), ("mata", "Poli Mata", "10:00", 20, 15),
                    ("jantung", "Poli Jantung", "09:00", 20, 15)),
}
#: kode poli BPJS of the demo polis
BPJS_POLI_CODES = {"umum": "UMU", "gigi": "GIG", "kia": "KIA", "penyakit_dalam": "INT", "anak": "ANA",
                   "mata": "MAT", "jantung": "JAN"}
#: a hospital from an imported list that does not say whether it is a BPJS partner
UNKNOWN_PARTNER = ("DEMO-RS-3603", "RS Cahaya Medika Contoh", "rumah_sakit", "36.03.03",
                   "Jl. Raya Serang Km 25, Tigaraksa", "021-555-0303", -6.2700, 106.4800)
BEDS = (("kelas_1", 4, 20), ("kelas_2", 7, 30), ("kelas_3", 2, 60), ("icu", 0, 8), ("isolasi", 3, 6))


def _facility_details(facility):
    """Opening hours, poli and (hospitals) beds of a demo facility."""
    always_open = facility.kind == "rumah_sakit"
    for weekday in range(7 if always_open else 6):
        opens, closes = ("00:00", "23:59") if always_open else ("07:30", "14:00" if weekday < 5 else "12:00")
        OpeningHours.create(facility=facility, weekday=weekday, opens=opens, closes=closes)
    for code, name, start, minutes, quota in POLIS.get(facility.kind, ()):
        Poli.create(facility=facility, code=code, name=name, start_time=start, service_minutes=minutes,
                    daily_quota=quota, bpjs_code=BPJS_POLI_CODES[code], end_time="14:00",
                    weekdays="0123456" if facility.kind == "rumah_sakit" else "012345")
    if facility.kind == "rumah_sakit":
        for bed_class, available, total in BEDS:
            BedAvailability.create(facility=facility, bed_class=bed_class, available=available, total=total)


def _pay_monthly(family, first, last):
    """One payment a month on the 5th (10.00 WIB), each covering exactly that month."""
    count = 0
    for month in contributions.months_from(first, last):
        amount = family.monthly_due(month)
        payment = Payment.create(family=family, va_number=family.va_number, amount=amount,
                                 channel="demo", reference=f"DEMO-F{family.id}-{month:%Y%m}",
                                 paid_at=datetime(month.year, month.month, 5, 3, 0))
        Allocation.create(payment=payment, family=family, month=month, amount=amount)
        count += 1
    return count


def seed():
    """Create whatever demo record is missing; returns a one-line summary."""
    if not Region.select().where(Region.level == Region.DISTRICT).exists():
        raise click.ClickException("Load the regions first: flask import regions")
    created = []
    with db.atomic():
        facilities = {}
        for code, name, kind, district, address, phone, lat, lon in FACILITIES:
            facilities[code], new = Facility.get_or_create(code=code, defaults=dict(
                name=name, search_name=search_key(name), kind=kind, district=district,
                regency_code=district[:5], province_code=district[:2], address=address, phone=phone,
                latitude=lat, longitude=lon, is_partner=True, services=set(SERVICES.get(kind, ())),
                hospital_class="C" if kind == "rumah_sakit" else ""))
            if new:
                created.append("facility")
                _facility_details(facilities[code])
        for kk, segment, care_class, district, address, fktp, va, registered_on, paid_to, members in FAMILIES:
            family, new = Family.get_or_create(kk_number=kk, defaults=dict(
                segment=segment, care_class=care_class, district=district, address=address,
                fktp=facilities[fktp], va_number=va, registered_on=registered_on,
                cover_start=contributions.month_of(registered_on)))
            created += ["family"] * new
            for card, nik, name, sex, born, relationship, phone, has_account in members:
                person = Participant.by_card(card)
                if person is None:
                    person = Participant(card_number=card, name=name, sex=sex, birth_date=born,
                                         family=family, relationship=relationship, phone=phone,
                                         registered_on=registered_on)
                    person.nik = nik
                    person.save()
                    created.append("participant")
                if has_account:
                    _account(created, participant=person, role="peserta")
            if new:
                last = contributions.add_months(contributions.month_of(clock.today()), paid_to)
                created += ["payment"] * _pay_monthly(family, family.cover_start, last)
        dewi = Participant.by_card("0001000000002")
        if not Referral.select().where(Referral.participant == dewi).exists():
            today = clock.today()
            Referral.create(participant=dewi, from_facility=facilities["DEMO-PKM-3273"],
                            to_facility=facilities["DEMO-RS-3201"], poli_code="penyakit_dalam",
                            issued_on=today, valid_until=today + timedelta(days=REFERRAL_DAYS))
            created.append("referral")
        code, name, kind, district, address, phone, lat, lon = UNKNOWN_PARTNER
        _, new = Facility.get_or_create(code=code, defaults=dict(
            name=name, search_name=search_key(name), kind=kind, district=district, regency_code=district[:5],
            province_code=district[:2], address=address, phone=phone, latitude=lat, longitude=lon,
            is_partner=None, source="hospitals", hospital_class="C"))
        created += ["facility"] * new
        if "facility" in created:
            facility_search.refresh_words()
        for username, role, facility in STAFF:
            user = _account(created, username=username, role=role)
            if facility and user.facility_id is None:
                user.facility = facilities[facility]
                user.save()
        for area in DEMO_AREAS:  # each area's demo.py adds its records on top of these
            importlib.import_module(f"app.{area}.demo").seed(created)
        from app.contributions import ledger  # an area's module: imported when seeding only

        ledger.rebuild(missing_only=True)  # every family's stored ledger (not a demo record)
    if not created:
        return "Demo data already present."
    return "Demo data created: " + ", ".join(f"{created.count(k)} {k}(s)" for k in sorted(set(created)))
