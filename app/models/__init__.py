"""Every model, one module per area's tables; this package is the one import point.

The schema itself is created and changed only by the scripts in migrations/.
MODELS lists every table in dependency order.
"""
from app.models.accounts import (  # noqa: F401
    NO_PASSWORD,
    OFFICER_ROLES,
    ROLES,
    STAFF_ROLES,
    AccessCode,
    AuditLog,
    StaffDistrict,
    User,
)
from app.models.api import SCOPES, ApiClient, IdempotentWrite, SmsMessage  # noqa: F401
from app.models.base import BaseModel, EncryptedData  # noqa: F401
from app.models.changes import ChangeRequest, MembershipChange  # noqa: F401
from app.models.content import Announcement, Article, ArticleRegion, PageVersion, SearchEntry  # noqa: F401
from app.models.contributions import (  # noqa: F401
    Allocation,
    AutoDebit,
    CallbackEvent,
    Payment,
    RateVersion,
    RehabInstalment,
    RehabPlan,
)
from app.models.facilities import BedAvailability, Facility, FacilityService, OpeningHours  # noqa: F401
from app.models.membership import Family, Participant  # noqa: F401
from app.models.queue import Booking, Poli, PoliDay, Referral  # noqa: F401
from app.models.regions import Region, RegionChoice  # noqa: F401
from app.models.registration import Registration  # noqa: F401

MODELS = (
    Region, Facility, Family, Participant, User, AuditLog, MembershipChange, Registration,
    ChangeRequest, Payment, Allocation, RateVersion, RehabPlan, RehabInstalment, AutoDebit, CallbackEvent,
    FacilityService, OpeningHours, BedAvailability, Poli, Referral, PoliDay, Booking, AccessCode, StaffDistrict,
    Article, ArticleRegion, Announcement, PageVersion, SearchEntry, ApiClient, IdempotentWrite, SmsMessage,
)
