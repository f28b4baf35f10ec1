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
from app.models.api import SCOPES, ApiClient, IdempotentWrite, SmsLog  # noqa: F401
from app.models.assist import Consent, DataRequest, Kiosk  # noqa: F401
from app.models.base import BaseModel, EncryptedData  # noqa: F401
from app.models.cases import Case, CaseEvent, CasePause, CaseStatSnapshot, VisitFeedback  # noqa: F401
from app.models.changes import ChangeRequest, MembershipChange  # noqa: F401
from app.models.content import Announcement, Article, ArticleRegion, PageVersion, SearchEntry  # noqa: F401
from app.models.contributions import (  # noqa: F401
    Allocation,
    AutoDebit,
    CallbackEvent,
    DendaVersion,
    FamilyLedger,
    LedgerMonth,
    Payment,
    RateVersion,
    RehabInstalment,
    RehabPlan,
)
from app.models.facilities import BedAvailability, Facility, OpeningHours  # noqa: F401
from app.models.health import PrbEnrolment, Visit  # noqa: F401
from app.models.inbox import PhoneCode, Reminder, SmsMessage  # noqa: F401
from app.models.membership import Family, Participant  # noqa: F401
from app.models.queue import Booking, Poli, PoliDay, Referral  # noqa: F401
from app.models.regions import Region, RegionChoice  # noqa: F401
from app.models.registration import MemberAddition, Registration  # noqa: F401

MODELS = (
    Region, Facility, Family, Participant, User, AuditLog, MembershipChange, Registration,
    ChangeRequest, Payment, Allocation, RateVersion, RehabPlan, RehabInstalment, AutoDebit, CallbackEvent,
    LedgerMonth, FamilyLedger, DendaVersion,
    OpeningHours, BedAvailability, Poli, Referral, PoliDay, Booking, AccessCode, StaffDistrict,
    Article, ArticleRegion, Announcement, PageVersion, SearchEntry, Consent, Kiosk, DataRequest,
    Visit, PrbEnrolment, Reminder, SmsMessage, PhoneCode,
    Case, CaseEvent, CasePause, CaseStatSnapshot, VisitFeedback, MemberAddition,
    ApiClient, IdempotentWrite, SmsLog,
)
