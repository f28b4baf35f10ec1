"""Faskes: facilities, their services, opening hours and beds."""
from peewee import (
    JOIN,
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    DeferredForeignKey,
    DoubleField,
    Expression,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
    Value,
    fn,
)

from app.core import clock
from app.core.db import Prepared, is_sqlite
from app.models.base import BaseModel, _under
from app.models.regions import Region
from app.rules import facilities as facility_rules


class CodeSetField(TextField):
    """A set of short codes without spaces, stored as one text of the codes, sorted and space-separated."""

    def __init__(self, **kwargs):
        super().__init__(default=frozenset, **kwargs)

    def db_value(self, value):
        return " ".join(sorted(value or ()))

    def python_value(self, value):
        return frozenset(value.split()) if value else frozenset()


class Facility(BaseModel):
    """Fasilitas kesehatan (faskes): where people are treated, with services, hours, beds, poli."""

    KINDS = (
        "puskesmas", "klinik_pratama", "klinik_utama", "dokter_praktik", "dokter_gigi",
        "rumah_sakit", "apotek", "optik", "laboratorium",
    )
    FKTP_KINDS = facility_rules.FKTP_KINDS

    code = CharField(unique=True, max_length=20)
    name = CharField(max_length=150)
    #: the name as searched: lower case, without "RS"/"Rumah Sakit"/"Puskesmas"/"PKM" prefixes
    search_name = CharField(max_length=150, default="", index=True)
    #: text search (app/facilities/service.py): the words of the name and kind, and of where it is
    #: (address, district, regency), kept by save() and refresh_search_text(); indexed by FTS5 on
    #: SQLite and by a tsvector column and trigram words on PostgreSQL (migrations/0007)
    search_text = TextField(default="")
    search_place = TextField(default="")
    kind = CharField(max_length=20, index=True)
    hospital_class = CharField(max_length=12, default="")  # A, B, C, D, D PRATAMA
    province_code = CharField(max_length=2, default="", index=True)
    regency_code = CharField(max_length=5, default="", index=True)
    district = ForeignKeyField(Region, null=True, column_name="district_code")
    address = TextField(default="")
    phone = CharField(max_length=30, default="")
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    #: kerja sama with BPJS Kesehatan (mitra): True, False, or None when no list or officer has said
    is_partner = BooleanField(null=True, default=True)
    #: the dates of the partnership agreement, when an officer recorded them
    partner_from = DateField(null=True)
    partner_until = DateField(null=True)
    source = CharField(max_length=20, default="demo")  # which list it was imported from
    #: the services offered (layanan: igd_24_jam, poli_gigi, persalinan, apotek_prb, …), see offering()
    services = CodeSetField()
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("latitude", "longitude"), False),)

    def save(self, *args, **kwargs):
        district = Region.get_or_none(Region.code == self.district_code) if self.district_code else None
        regency = Region.get_or_none(Region.code == self.regency_code) if self.regency_code else None
        self.search_text = facility_rules.name_text(self.name, self.kind)
        self.search_place = facility_rules.place_text(self.address, district and district.name,
                                                      regency and regency.name)
        return super().save(*args, **kwargs)

    @classmethod
    def refresh_search_text(cls, codes=None):
        """Recompute the searched words of the facilities with these codes (all when None), after
        a bulk insert that bypassed save(). Returns how many rows were looked at."""
        district, regency = Region.alias(), Region.alias()
        query = (cls.select(cls.id, cls.name, cls.kind, cls.address, cls.search_text, cls.search_place,
                            district.name.alias("district_name"), regency.name.alias("regency_name"))
                 .join(district, JOIN.LEFT_OUTER, on=(district.code == cls.district))
                 .switch(cls).join(regency, JOIN.LEFT_OUTER, on=(regency.code == cls.regency_code)))
        if codes is not None:
            query = query.where(cls.code.in_(list(codes)))
        count = 0
        for row in query.dicts().iterator():
            text = facility_rules.name_text(row["name"], row["kind"])
            place = facility_rules.place_text(row["address"], row["district_name"], row["regency_name"])
            if (text, place) != (row["search_text"], row["search_place"]):
                cls.update(search_text=text, search_place=place).where(cls.id == row["id"]).execute()
            count += 1
        return count

    @classmethod
    def fktp_near(cls, home_district, area_code=None, limit=15):
        """Partner FKTPs in `area_code` (a district, a regency or a province code; by default the
        home district's province), nearest first: the home district, then the rest of its regency,
        then the rest of the province. Never another province."""
        province, regency = home_district[:2], home_district[:5]
        area = area_code or province
        if area[:2] != province:
            return []
        return _FKTP_NEAR(home_district, regency, area, limit)

    @classmethod
    def offering(cls, service):
        """SQL: the facility offers `service` (on PostgreSQL through the GIN index of migration 0018)."""
        if is_sqlite():
            # (`service`: a value, or a prepared query's placeholder)
            return fn.instr(Value(" ").concat(cls.services).concat(Value(" ")),
                            Value(" ").concat(service).concat(Value(" "))) > 0
        return Expression(fn.string_to_array(cls.services, " "), "@>", fn.string_to_array(service, " "))

    def partner_on(self, day):
        """Kerja sama with BPJS on `day`: "ya", "tidak" (also outside the agreement's dates), or
        "belum_tercatat" when nobody has said."""
        if self.is_partner is None:
            return "belum_tercatat"
        within = ((self.partner_from is None or self.partner_from <= day)
                  and (self.partner_until is None or day <= self.partner_until))
        return "ya" if self.is_partner and within else "tidak"

    def fktp_problem(self, home_district):
        """None when a family living in `home_district` may register here, else "not_fktp" or
        "other_province" (a forged choice meets the same check)."""
        if self.kind not in self.FKTP_KINDS or not self.is_partner:
            return "not_fktp"
        if not (self.district_code or "").startswith(home_district[:2] + "."):
            return "other_province"
        return None


class OpeningHours(BaseModel):
    """Jam buka per weekday (0 = Monday); a missing day means closed."""

    facility = ForeignKeyField(Facility, backref="hours", on_delete="CASCADE")
    weekday = SmallIntegerField()
    opens = CharField(max_length=5)  # "07:30"
    closes = CharField(max_length=5)

    class Meta:
        indexes = ((("facility", "weekday"), True),)


class BedAvailability(BaseModel):
    """Ketersediaan tempat tidur per class at a hospital, as last reported by its staff."""

    facility = ForeignKeyField(Facility, backref="beds", on_delete="CASCADE")
    bed_class = CharField(max_length=20)  # kelas_1, kelas_2, kelas_3, vip, icu, nicu, picu, isolasi
    available = IntegerField()
    total = IntegerField()
    updated_at = DateTimeField(default=clock.now)
    updated_by = DeferredForeignKey("User", null=True)  # accounts are defined after facilities

    class Meta:
        indexes = ((("facility", "bed_class"), True),)


# (SQL kept, not PREPAREd: a district holds a few FKTPs, a province thousands; a generic plan would
# serve both alike)
_FKTP_NEAR = Prepared(lambda home, regency, area, limit: (
    Facility.select(Facility, Region).join(Region)
    .where(Facility.kind.in_(Facility.FKTP_KINDS), Facility.is_partner == True,  # noqa: E712
           (Facility.district == area) | _under(Facility.district, area))
    .order_by(Case(None, [(Facility.district == home, 0), (_under(Facility.district, regency), 1)], 2),
              Region.name, Facility.name, Facility.id)
    .limit(limit)), on_server=False)
