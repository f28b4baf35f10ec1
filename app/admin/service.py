"""Staff accounts: create and change them (role, facility, districts, active); audited."""
from app.core.audit import audit
from app.core.db import write_lock
from app.models import NO_PASSWORD, Facility, StaffDistrict, User


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def save_staff(admin, user_id, username, role, facility_code, districts, active=True):
    """Create (user_id None) or change a staff account. A new account has no password until its
    person uses the one-time code the admin hands over. Refused: username_taken, self."""
    with write_lock():
        if user_id is None:
            username = username.strip().lower()
            if User.select().where(User.username == username).exists():
                raise Refused("username_taken")
            user = User(username=username, password_hash=NO_PASSWORD)
        else:
            user = User.get_locked(user_id)
            if user.id == admin.id and (role != user.role or not active):
                raise Refused("self")
        before = (user.role, user.facility_id, user.active, user.district_codes() if user.id else [])
        user.role = role
        user.facility = Facility.get(Facility.code == facility_code.strip()) if role == "petugas_faskes" else None
        if not active and user.active:
            user.session_version = (user.session_version or 1) + 1  # signed out everywhere
        user.active = active
        user.save()
        StaffDistrict.delete().where(StaffDistrict.user == user).execute()
        codes = districts if role == "fasilitator" else []
        if codes:
            StaffDistrict.insert_many([{"user": user.id, "district": code} for code in codes]).execute()
        audit(admin, "staff_created" if user_id is None else "staff_updated", f"user:{user.id}",
              role=role, facility=user.facility_id, active=active, districts=codes,
              before=None if user_id is None else before)
    return user
