"""Every model, with its queries as classmethods. MODELS lists them in dependency order.

The schema itself is created and changed only by the scripts in migrations/.
"""
import json
import secrets

from flask import g, has_app_context
from flask_login import UserMixin
from peewee import (
    JOIN,
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
    fn,
)

from app import clock, security
from app.db import db, is_sqlite
from app.rules import contributions, identity
from app.rules import facilities as facility_rules

ROLES = ("peserta", "fasilitator", "petugas_faskes", "petugas_bpjs", "admin")
STAFF_ROLES = ROLES[1:]


def _under(field, code):
    """Region codes below `code` ("32.01" → "32.01.xx"), as an index-friendly range: "/" follows "."."""
    return (field >= f"{code}.") & (field < f"{code}/")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def get_locked(cls, pk):
        """Re-read a row inside write_lock() before changing it: FOR UPDATE on PostgreSQL; on
        SQLite the IMMEDIATE transaction already keeps every other writer out."""
        query = cls.select().where(cls._meta.primary_key == pk)
        return query.get() if is_sqlite() else query.for_update().get()


class Region(BaseModel):
    """Wilayah: provinsi (level 1), kabupaten/kota (2), kecamatan (3), desa/kelurahan (4).

    Kemendagri codes in dotted form ("32", "32.01", "32.01.05", "32.01.05.2001") are the keys.
    """

    PROVINCE, REGENCY, DISTRICT, VILLAGE = 1, 2, 3, 4

    code = CharField(primary_key=True, max_length=13)
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_code")
    level = SmallIntegerField(index=True)
    name = CharField(max_length=100)
    kind = CharField(max_length=20, default="")  # kabupaten, kota, desa, kelurahan, desa_adat

    @classmethod
    def provinces(cls):
        return cls.select().where(cls.level == cls.PROVINCE).order_by(cls.name)

    @classmethod
    def children_of(cls, code):
        return cls.select().where(cls.parent == code).order_by(cls.name)

    @classmethod
    def lookup(cls, code, level):
        """The region with this code at this level, or None (never raises on bad input)."""
        if not code or len(code) > 13:
            return None
        return cls.get_or_none((cls.code == code) & (cls.level == level))

    def lineage(self):
        """[province, regency, …, self], walking up by code prefixes (one query)."""
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        found = {r.code: r for r in Region.select().where(Region.code.in_(codes))}
        return [found[c] for c in codes if c in found]


class RegionChoice:
    """A province → regency → district choice from request arguments, each checked against the
    one above it; an unknown or mismatched code is dropped and flagged (`invalid`)."""

    FIELDS = ("provinsi", "kabupaten", "kecamatan")

    def __init__(self, args):
        self.invalid = False
        chosen = []
        for level, name in enumerate(self.FIELDS, start=Region.PROVINCE):
            code = (args.get(name) or "").strip()
            parent = chosen[-1] if chosen else None
            region = None
            if code and (parent is not None or level == Region.PROVINCE):
                region = Region.lookup(code, level)
                if region is not None and parent is not None and region.parent_code != parent.code:
                    region = None
            self.invalid |= bool(code) and region is None
            chosen.append(region)
        self.province, self.regency, self.district = chosen

    def levels(self):
        """(field name, options, selected) for each select that can be shown now."""
        rows = [(self.FIELDS[0], Region.provinces(), self.province)]
        if self.province:
            rows.append((self.FIELDS[1], Region.children_of(self.province.code), self.regency))
        if self.regency:
            rows.append((self.FIELDS[2], Region.children_of(self.regency.code), self.district))
        return rows


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
    kind = CharField(max_length=20, index=True)
    hospital_class = CharField(max_length=12, default="")  # A, B, C, D, D PRATAMA
    province_code = CharField(max_length=2, default="", index=True)
    regency_code = CharField(max_length=5, default="", index=True)
    district = ForeignKeyField(Region, null=True, column_name="district_code")
    address = TextField(default="")
    phone = CharField(max_length=30, default="")
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    is_partner = BooleanField(default=True)  # mitra BPJS
    source = CharField(max_length=20, default="demo")  # which list it was imported from
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("latitude", "longitude"), False),)

    @classmethod
    def fktp_near(cls, home_district, area_code=None, limit=15):
        """Partner FKTPs in `area_code` (a district, a regency or a province code; by default the
        home district's province), nearest first: the home district, then the rest of its regency,
        then the rest of the province. Never another province."""
        province, regency = home_district[:2], home_district[:5]
        area = area_code or province
        if area[:2] != province:
            return []
        closeness = Case(None, [(cls.district == home_district, 0),
                                (_under(cls.district, regency), 1)], 2)
        return list(cls.select(cls, Region).join(Region)
                    .where(cls.kind.in_(cls.FKTP_KINDS), cls.is_partner == True,  # noqa: E712
                           (cls.district == area) | _under(cls.district, area))
                    .order_by(closeness, Region.name, cls.name, cls.id).limit(limit))

    def fktp_problem(self, home_district):
        """None when a family living in `home_district` may register here, else "not_fktp" or
        "other_province" (a forged choice meets the same check)."""
        if self.kind not in self.FKTP_KINDS or not self.is_partner:
            return "not_fktp"
        if not (self.district_code or "").startswith(home_district[:2] + "."):
            return "other_province"
        return None


class Family(BaseModel):
    """Keluarga, by Kartu Keluarga (KK) number. PBPU families pay for every member via one VA."""

    SEGMENTS = ("PBI", "PPU", "PBPU", "BP")

    kk_number = CharField(unique=True, max_length=16)
    segment = CharField(max_length=4)
    care_class = SmallIntegerField(null=True)  # kelas rawat 1, 2, 3
    #: a class change takes effect from the next month: until then it waits here
    next_care_class = SmallIntegerField(null=True)
    next_care_class_from = DateField(null=True)
    district = ForeignKeyField(Region, null=True, column_name="district_code")
    address = TextField(default="")
    fktp = ForeignKeyField(Facility, null=True)  # registered first-level facility
    va_number = CharField(unique=True, null=True, max_length=20)
    employer = CharField(max_length=150, default="")  # PPU: who pays
    registered_on = DateField()
    #: first month the family pays for (first of a month); None until registration completes
    cover_start = DateField(null=True)
    fktp_changed_on = DateField(null=True)
    class_changed_on = DateField(null=True)
    #: set by an officer for a reason other than arrears (e.g. "pindah_segmen", "data_tidak_valid")
    inactive_reason = CharField(max_length=40, null=True)

    def care_class_on(self, day):
        if self.next_care_class and self.next_care_class_from and day >= self.next_care_class_from:
            return self.next_care_class
        return self.care_class

    def head(self):
        """The member who acts for the family (and reads its audit trail): the kepala keluarga,
        else the first member registered."""
        members = Participant.select().where(Participant.family == self)
        return (members.where(Participant.relationship == "kepala").order_by(Participant.id).first()
                or members.order_by(Participant.id).first())

    def member_count(self):
        return Participant.select().where(Participant.family == self).count()

    def member_dates(self):
        """When each member joined the family card (None: from the start)."""
        return [p.registered_on for p in
                Participant.select(Participant.registered_on).where(Participant.family == self)]

    def monthly_due(self, month, member_dates=None, tables=None):
        """What the family owes through its VA for `month` (0 for PBI and PPU), for the members on
        the card that month: a member added later never changes a month already billed."""
        dates = self.member_dates() if member_dates is None else member_dates
        next_month = contributions.add_months(contributions.month_of(month), 1)
        members = sum(1 for joined in dates if joined is None or joined < next_month)
        return contributions.family_monthly_due(
            self.segment, self.care_class_on(month), max(members, 1), month, tables or RateVersion.tables())

    def allocated_by_month(self):
        """month → rupiah applied to it so far."""
        rows = (Allocation.select(Allocation.month, fn.SUM(Allocation.amount).alias("total"))
                .where(Allocation.family == self).group_by(Allocation.month).namedtuples())
        return {row.month: row.total for row in rows}

    def outstanding(self, through):
        """[(month, rupiah still owed)] from the cover start through the month `through`, oldest
        first; empty for PBI and PPU (the government or the employer pays)."""
        if self.cover_start is None or self.segment not in contributions.FAMILY_VA:
            return []
        allocated, members, tables = self.allocated_by_month(), self.member_dates(), RateVersion.tables()
        owed = ((month, self.monthly_due(month, members, tables) - allocated.get(month, 0))
                for month in contributions.months_from(self.cover_start, contributions.month_of(through)))
        return [(month, amount) for month, amount in owed if amount > 0]

    def credit(self):
        """Rupiah paid in but not (yet) applied to any month: kept for this family only."""
        paid = (Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0))
                .where((Payment.family == self) & (Payment.status == "applied")).scalar())
        applied = Allocation.select(fn.COALESCE(fn.SUM(Allocation.amount), 0)).where(
            Allocation.family == self).scalar()
        return paid - applied

    def paid_months(self):
        """month → the date (WIB) it became fully paid, from the allocations of its payments."""
        members, tables = self.member_dates(), RateVersion.tables()
        totals, dues, paid = {}, {}, {}
        rows = (Allocation.select(Allocation.month, Allocation.amount, Payment.paid_at)
                .join(Payment).where(Allocation.family == self)
                .order_by(Payment.paid_at, Allocation.id).tuples())
        for month, amount, paid_at in rows:
            if month in paid:
                continue
            totals[month] = totals.get(month, 0) + amount
            if month not in dues:
                dues[month] = self.monthly_due(month, members, tables)
            if totals[month] >= dues[month]:
                paid[month] = clock.to_wib(paid_at).date()
        return paid

    def status_on(self, day, paid=None, ignore_reason=False):
        """aktif / nonaktif_tunggakan / menunggu_pembayaran / nonaktif_lain, from payments and rules
        (`paid`: paid_months() when the caller has it already; `ignore_reason`: the payment standing
        alone, even when an officer set the family inactive for another reason)."""
        return contributions.status_on(
            day, self.segment, self.cover_start, self.paid_months() if paid is None else paid,
            None if ignore_reason else self.inactive_reason, aktif_since=False)


class Participant(BaseModel):
    """Peserta. The NIK is stored only encrypted, and found through its keyed blind index."""

    SEXES = ("L", "P")
    RELATIONSHIPS = ("kepala", "suami", "istri", "anak", "lainnya")

    card_number = CharField(unique=True, max_length=13)
    nik_encrypted = TextField()
    nik_index = CharField(unique=True, max_length=64)
    name = CharField(max_length=100)
    sex = CharField(max_length=1)
    birth_date = DateField()
    phone = CharField(max_length=20, default="")
    family = ForeignKeyField(Family, backref="members")
    relationship = CharField(max_length=10, default="kepala")
    registered_on = DateField(null=True)
    #: set by an officer when this member is inactive for a reason other than arrears ("meninggal")
    inactive_reason = CharField(max_length=40, null=True)

    class Meta:
        indexes = ((("birth_date",), False),)

    @property
    def nik(self):
        return security.decrypt(self.nik_encrypted, "nik")

    @nik.setter
    def nik(self, value):
        self.nik_encrypted = security.encrypt(value, "nik")
        self.nik_index = security.blind_index(value, "nik")

    @property
    def masked_nik(self):
        return identity.mask_nik(self.nik)

    @classmethod
    def by_nik(cls, nik):
        return cls.get_or_none(cls.nik_index == security.blind_index(nik, "nik"))

    @classmethod
    def by_card(cls, card_number):
        return cls.get_or_none(cls.card_number == card_number)

    @classmethod
    def new_card_number(cls):
        """A fresh 13-digit card number (noka): "0002" and 9 random digits not yet in use."""
        while True:
            card = f"0002{secrets.randbelow(10**9):09d}"
            if not cls.select().where(cls.card_number == card).exists():
                return card

    @property
    def is_head(self):
        """Kepala keluarga: may act for every member of the family."""
        return self.relationship == "kepala"

    def relative(self, participant_id):
        """The member of this participant's family with that id, or None: another family's ids do
        not exist for them (the one check behind every URL that names a family member)."""
        member = Participant.get_or_none(Participant.id == participant_id) if participant_id else None
        return member if member is not None and member.family_id == self.family_id else None

    def may_act_for(self, member):
        """Anyone for themselves; the family head for every member of their family."""
        return member.id == self.id or (self.is_head and member.family_id == self.family_id)

    def status_on(self, day, family_status=None):
        """The family's status, unless this member is inactive for a reason of their own."""
        if self.inactive_reason:
            return contributions.Status("nonaktif_lain", None, (), self.inactive_reason)
        return family_status or self.family.status_on(day)

    def family_members(self):
        order = {name: i for i, name in enumerate(self.RELATIONSHIPS)}
        members = list(Participant.select().where(Participant.family == self.family_id))
        return sorted(members, key=lambda p: (order.get(p.relationship, 9), p.birth_date))


class User(BaseModel, UserMixin):
    """An account: a participant signs in by NIK or card number, staff by username."""

    username = CharField(unique=True, null=True, max_length=40)
    participant = ForeignKeyField(Participant, unique=True, null=True)
    role = CharField(max_length=20)
    facility = ForeignKeyField(Facility, null=True)  # petugas_faskes work at one facility
    password_hash = CharField(max_length=200)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    #: part of the session id: bumping it signs the account out everywhere.
    session_version = IntegerField(default=1)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)
    last_login_at = DateTimeField(null=True)

    class Meta:
        table_name = "account"  # "user" is reserved in PostgreSQL

    def get_id(self):
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @classmethod
    def from_session_id(cls, session_id):
        user_id, _, version = session_id.partition(".")
        if not (identity.is_digits(user_id) and identity.is_digits(version)):
            return None
        user = cls.get_or_none(cls.id == int(user_id))
        if user is None or user.session_version != int(version):
            return None
        return user

    @classmethod
    def for_identifier(cls, identifier):
        """The account behind a NIK, a card number or a staff username, or None."""
        value = identity.normalize_number(identifier)
        kind = identity.identifier_kind(identifier)
        if kind == "username":
            return cls.get_or_none(cls.username == identifier.strip().lower())
        if kind == "bad_number":
            return None
        participant = Participant.by_nik(value) if kind == "nik" else Participant.by_card(value)
        return participant and cls.get_or_none(cls.participant == participant)

    @property
    def display_name(self):
        return self.participant.name if self.participant_id else self.username

    def is_locked(self, moment):
        return self.locked_until is not None and self.locked_until > moment

    def set_password(self, password):
        self.password_hash = security.hash_password(password)


class AuditLog(BaseModel):
    """Jejak audit: append-only (database triggers refuse UPDATE and DELETE).

    `subject` names what was touched ("user:3", "participant:12"); `on_behalf_of` is the participant
    whose data it was, so they can read who saw or changed it. Never a password or a plain NIK.
    """

    at = DateTimeField(default=clock.now, index=True)
    actor = ForeignKeyField(User, null=True, backref="actions")
    action = CharField(max_length=40)
    subject = CharField(max_length=60, default="", index=True)
    on_behalf_of = ForeignKeyField(Participant, null=True, backref="audit_entries")
    ip = CharField(max_length=45, default="")
    detail = TextField(default="")

    @classmethod
    def record(cls, actor, action, subject="", on_behalf_of=None, ip="", **detail):
        return cls.create(
            actor=actor, action=action, subject=subject, on_behalf_of=on_behalf_of, ip=ip,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        )

    @classmethod
    def previous_sign_in(cls, user):
        """The sign-in before the current one ("terakhir masuk"), or None on the first."""
        return (cls.select().where((cls.actor == user) & (cls.action == "sign_in"))
                .order_by(cls.id.desc()).offset(1).first())

    @classmethod
    def trail(cls, user, limit=50):
        """What happened to a person's account and data, newest first (bounded)."""
        where = (cls.actor == user) | (cls.subject == f"user:{user.id}")
        if user.participant_id:
            where |= cls.on_behalf_of == user.participant_id
        actor_person = Participant.alias()
        return (cls.select(cls, User, actor_person)
                .join(User, JOIN.LEFT_OUTER, on=cls.actor == User.id)
                .join(actor_person, JOIN.LEFT_OUTER, on=User.participant == actor_person.id)
                .where(where).order_by(cls.at.desc(), cls.id.desc()).limit(limit))


class MembershipChange(BaseModel):
    """Riwayat perubahan: every change to a family or member, with when it takes effect.

    Values of identity fields are stored as shown to people (a NIK masked), never in full.
    """

    family = ForeignKeyField(Family, backref="changes")
    participant = ForeignKeyField(Participant, null=True, backref="changes")
    field = CharField(max_length=20)  # fktp, care_class, segment, phone, address, name, birth_date, sex, nik
    old_value = TextField(default="")
    new_value = TextField(default="")
    effective_on = DateField()
    at = DateTimeField(default=clock.now)
    actor = ForeignKeyField(User, null=True)

    @classmethod
    def record(cls, family, field, old, new, effective_on, actor=None, participant=None):
        return cls.create(family=family, participant=participant, field=field, old_value=str(old or ""),
                          new_value=str(new or ""), effective_on=effective_on, actor=actor)


class EncryptedData:
    """A JSON document kept encrypted in `data_encrypted` (it may hold NIKs)."""

    ENCRYPTION_FIELD = None

    @property
    def data(self):
        if not self.data_encrypted:
            return {}
        return json.loads(security.decrypt(self.data_encrypted, self.ENCRYPTION_FIELD))

    @data.setter
    def data(self, value):
        self.data_encrypted = security.encrypt(json.dumps(value, sort_keys=True), self.ENCRYPTION_FIELD)


class Registration(EncryptedData, BaseModel):
    """Pendaftaran peserta baru: the answers are saved after every step, so a dropped connection
    loses nothing; the resume code (`token`) brings the draft back on any device."""

    STATUSES = ("draft", "review", "done", "rejected")
    ENCRYPTION_FIELD = "registration"

    token = CharField(unique=True, max_length=16)
    data_encrypted = TextField(default="")
    step = CharField(max_length=20, default="keluarga")
    status = CharField(max_length=10, default="draft", index=True)
    created_by = ForeignKeyField(User, null=True, backref="registrations")  # assisting staff
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    family = ForeignKeyField(Family, null=True)
    flags = TextField(default="")  # why an officer must look (possible duplicates), JSON
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")

    @classmethod
    def drafts(cls, ids):
        """The drafts among these registration ids (a browser's own), newest first."""
        return cls.select().where(cls.id.in_(ids) & (cls.status == "draft")).order_by(cls.id.desc())

    @classmethod
    def awaiting_review(cls):
        """Registrations flagged for an officer (possible duplicates), oldest first."""
        return cls.select().where(cls.status == "review").order_by(cls.updated_at, cls.id)


class ChangeRequest(EncryptedData, BaseModel):
    """Permintaan perubahan data of a civil-registry field (name, DOB, sex, NIK): an officer decides.

    `data` holds {"value": the requested new value}; the document photo is a file under
    instance/uploads/, served only to the requester's family and officers.
    """

    KINDS = ("name", "birth_date", "sex", "nik")
    STATUSES = ("menunggu", "disetujui", "ditolak")
    ENCRYPTION_FIELD = "change_request"

    participant = ForeignKeyField(Participant, backref="change_requests")
    requested_by = ForeignKeyField(User, backref="change_requests")
    kind = CharField(max_length=12)
    data_encrypted = TextField(default="")
    reason = TextField(default="")
    document = CharField(max_length=64, default="")
    status = CharField(max_length=10, default="menunggu", index=True)
    created_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")

    @classmethod
    def with_participant(cls, request_id):
        """The request and its participant (one query), or None."""
        return (cls.select(cls, Participant).join(Participant).where(cls.id == request_id).first())

    @classmethod
    def awaiting_decision(cls):
        return (cls.select(cls, Participant).join(Participant)
                .where(cls.status == "menunggu").order_by(cls.created_at, cls.id))


class Payment(BaseModel):
    """Pembayaran iuran as reported by a payment channel, applied exactly once.

    status: "applied" (allocated to the family's months, the rest kept as its credit),
    "unmatched" (unknown VA or an amount that cannot be applied: an officer assigns or refunds it),
    "refunded".
    """

    STATUSES = ("applied", "unmatched", "refunded")

    family = ForeignKeyField(Family, null=True, backref="payments")  # None: VA not matched
    va_number = CharField(max_length=20)
    amount = IntegerField()
    channel = CharField(max_length=30)
    reference = CharField(max_length=64)
    paid_at = DateTimeField()
    received_at = DateTimeField(default=clock.now)
    status = CharField(max_length=10, default="applied")
    unmatched_reason = CharField(max_length=30, default="")  # unknown_va, amount_mismatch
    resolved_by = ForeignKeyField(User, null=True)
    resolved_at = DateTimeField(null=True)
    resolution_note = TextField(default="")

    class Meta:
        indexes = (
            (("channel", "reference"), True),
            (("family", "paid_at"), False),
            (("status", "received_at"), False),
        )


class Allocation(BaseModel):
    """The part of a payment applied to one month of a family's contributions (oldest first)."""

    payment = ForeignKeyField(Payment, backref="allocations")
    family = ForeignKeyField(Family, backref="allocations")
    month = DateField()  # first day of the month paid for
    amount = IntegerField()

    class Meta:
        indexes = ((("family", "month"), False),)


class RateVersion(BaseModel):
    """Versi tarif iuran: the dated rate tables bills and the tariff page are computed from.

    The two versions the rules ship with are inserted by the migration; admins add later ones.
    """

    effective_from = DateField(unique=True)
    class1 = IntegerField()
    class2 = IntegerField()
    class3 = IntegerField()
    class3_government_share = IntegerField()
    pbi_rate = IntegerField()
    ppu_employer_percent = SmallIntegerField(default=4)
    ppu_worker_percent = SmallIntegerField(default=1)
    ppu_wage_ceiling = IntegerField(default=12_000_000)
    created_by = ForeignKeyField(User, null=True)
    created_at = DateTimeField(default=clock.now)

    def as_rule(self):
        return contributions.RateTable(
            self.effective_from, {1: self.class1, 2: self.class2, 3: self.class3},
            self.class3_government_share, self.pbi_rate, self.ppu_employer_percent,
            self.ppu_worker_percent, self.ppu_wage_ceiling)

    @classmethod
    def latest(cls):
        return cls.select().order_by(cls.effective_from.desc()).first()

    @classmethod
    def tables(cls):
        """Every version as a rules RateTable, oldest first (cached for the request)."""
        cached = g.get("rate_tables") if has_app_context() else None
        if cached is None:
            cached = tuple(v.as_rule() for v in cls.select().order_by(cls.effective_from))
            if has_app_context():
                g.rate_tables = cached
        return cached


class RehabPlan(BaseModel):
    """Rencana pembayaran bertahap (REHAB): arrears paid in up to 12 monthly instalments."""

    STATUSES = ("aktif", "lunas", "batal")

    family = ForeignKeyField(Family, backref="rehab_plans")
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)
    arrears_months = SmallIntegerField()
    total = IntegerField()  # arrears + the current month when the plan was made
    status = CharField(max_length=6, default="aktif", index=True)


class RehabInstalment(BaseModel):
    plan = ForeignKeyField(RehabPlan, backref="instalments")
    number = SmallIntegerField()
    due_on = DateField()
    amount = IntegerField()


class AutoDebit(BaseModel):
    """Autodebet registration: the bank or channel debits the family's contribution on day 5 or 20."""

    family = ForeignKeyField(Family, backref="auto_debits")
    channel = CharField(max_length=30)
    account_hint = CharField(max_length=20)  # only the last digits are kept ("****1234")
    debit_day = SmallIntegerField()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)


class CallbackEvent(BaseModel):
    """Every payment callback received, accepted or not (the API's own audit trail)."""

    received_at = DateTimeField(default=clock.now, index=True)
    channel = CharField(max_length=30, default="")
    reference = CharField(max_length=64, default="")
    outcome = CharField(max_length=20)  # applied, unmatched, duplicate, bad_signature, stale, malformed, ...
    ip = CharField(max_length=45, default="")
    detail = TextField(default="")


class FacilityService(BaseModel):
    """A service a facility offers (layanan): igd_24_jam, poli_gigi, persalinan, apotek_prb, …"""

    facility = ForeignKeyField(Facility, backref="services", on_delete="CASCADE")
    service = CharField(max_length=30)

    class Meta:
        #: (service, facility) serves "which facilities offer X" inside a nearest search
        indexes = ((("facility", "service"), True), (("service", "facility"), False))


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
    updated_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = ((("facility", "bed_class"), True),)


class Poli(BaseModel):
    """A clinic unit that takes queue numbers: when it starts, how long a patient takes, its quota."""

    facility = ForeignKeyField(Facility, backref="polis", on_delete="CASCADE")
    code = CharField(max_length=20)  # umum, gigi, kia, anak, penyakit_dalam, …
    name = CharField(max_length=60)
    start_time = CharField(max_length=5, default="08:00")
    service_minutes = SmallIntegerField(default=10)
    daily_quota = SmallIntegerField(default=40)  # numbers for JKN participants per day

    class Meta:
        indexes = ((("facility", "code"), True),)


class Referral(BaseModel):
    """Rujukan from an FKTP to a hospital clinic, valid 90 days (configurable)."""

    participant = ForeignKeyField(Participant, backref="referrals")
    from_facility = ForeignKeyField(Facility)
    to_facility = ForeignKeyField(Facility, backref="referrals_in")
    poli_code = CharField(max_length=20)
    issued_on = DateField()
    valid_until = DateField()


class PoliDay(BaseModel):
    """One poli on one day: numbers issued so far and the number being served (locked per booking)."""

    poli = ForeignKeyField(Poli, backref="days", on_delete="CASCADE")
    visit_date = DateField()
    issued = SmallIntegerField(default=0)
    booked = SmallIntegerField(default=0)  # active bookings (cancellations give the slot back)
    now_serving = SmallIntegerField(default=0)

    class Meta:
        indexes = ((("poli", "visit_date"), True),)


class Booking(BaseModel):
    """Antrean: a queue number for one participant at one poli on one day."""

    STATUSES = ("aktif", "hadir", "dipanggil", "selesai", "tidak_hadir", "batal")

    participant = ForeignKeyField(Participant, backref="bookings")
    poli = ForeignKeyField(Poli, backref="bookings")
    visit_date = DateField()
    number = SmallIntegerField()
    code = CharField(max_length=12, unique=True)  # kode booking
    status = CharField(max_length=12, default="aktif")
    #: 1 while the booking counts, NULL once cancelled: one active booking per poli per day
    active_key = SmallIntegerField(null=True, default=1)
    #: the form's one-time key: a resubmission on a flaky connection finds the first booking
    request_key = CharField(max_length=40, null=True, unique=True)
    referral = ForeignKeyField(Referral, null=True)
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = (
            (("participant", "poli", "visit_date", "active_key"), True),
            (("poli", "visit_date", "number"), True),
        )


MODELS = (
    Region, Facility, Family, Participant, User, AuditLog, MembershipChange, Registration,
    ChangeRequest, Payment, Allocation, RateVersion, RehabPlan, RehabInstalment, AutoDebit, CallbackEvent,
    FacilityService, OpeningHours, BedAvailability, Poli, Referral, PoliDay, Booking,
)
