"""Staff accounts under /admin/pengguna: create (the person sets the password with a one-time code),
edit role, facility and districts, deactivate, reset a password by code, list with pages;
`flask create-user --facility --district`."""
import pytest

from app.models import AuditLog, Facility, StaffDistrict, User
from tests.helpers import csrf_post, field_error, page, sign_in, signed_in_client

PASSWORD = "kopi-tubruk-pagi-77"


def create(client, **data):
    return csrf_post(client, "/admin/pengguna/baru", data)


def code_on(response):
    return page(response).find(id="code").get_text().replace(" ", "")


def activate(app, username, code, password=PASSWORD):
    client = app.test_client()
    assert csrf_post(client, "/aktivasi", {"identifier": username, "code": code}).status_code == 303
    done = csrf_post(client, "/aktivasi/kata-sandi", {"new_password": password, "confirm": password},
                     form_page="/masuk")
    assert done.status_code == 303
    return client


def test_a_new_puskesmas_staff_account_sets_its_own_password_with_the_code(app, admin):
    response = create(admin, username="Rina.PKM", role="petugas_faskes", facility="DEMO-PKM-3273")
    code = code_on(response)
    assert sign_in(app.test_client(), "rina.pkm", "").status_code == 200  # no password until the code
    staff = activate(app, "rina.pkm", code)
    assert "Antrean hari ini" in page(staff.get("/beranda")).get_text()
    assert sign_in(app.test_client(), "rina.pkm", PASSWORD).status_code == 303
    with app.app_context():
        user = User.get(User.username == "rina.pkm")
        assert user.role == "petugas_faskes" and user.facility.code == "DEMO-PKM-3273"
        assert AuditLog.select().where((AuditLog.action == "staff_created")
                                       & (AuditLog.subject == f"user:{user.id}")).exists()


def test_a_facilitator_gets_districts(app, admin):
    code_on(create(admin, username="fasil.coblong", role="fasilitator", districts="32.73.02, 32.73.02 32.01.01"))
    with app.app_context():
        assert User.get(User.username == "fasil.coblong").district_codes() == ["32.01.01", "32.73.02"]


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"username": "faskes", "role": "petugas_bpjs"}, "username", "sudah dipakai"),
    ({"username": "a b", "role": "petugas_bpjs"}, "username", "huruf kecil"),
    ({"username": "x" * 10_000, "role": "petugas_bpjs"}, "username", "Terlalu panjang"),
    ({"username": "baru1", "role": "peserta"}, "role", "Pilih peran"),
    ({"username": "baru2", "role": "petugas_faskes"}, "facility", "isi kodenya"),
    ({"username": "baru3", "role": "petugas_faskes", "facility": "TIDAK-ADA"}, "facility", "Tidak ada faskes"),
    ({"username": "baru4", "role": "fasilitator"}, "districts", "kecamatan"),
    ({"username": "baru5", "role": "fasilitator", "districts": "32.01, 99.99.99"}, "districts", "Bukan kode"),
])
def test_bad_staff_input_saves_nothing(app, admin, data, field, words):
    with app.app_context():
        before = User.select().count()
    response = create(admin, **data)
    assert response.status_code == 200 and words in field_error(response, field)
    assert page(response).find(id="code") is None
    with app.app_context():
        assert User.select().count() == before


def test_edit_role_facility_and_deactivate(app, admin):
    faskes = signed_in_client(app, "petugas_faskes")
    with app.app_context():
        user_id = User.get(User.username == "faskes").id
    form = page(admin.get(f"/admin/pengguna/{user_id}"))
    assert form.find("input", {"name": "facility"})["value"] == "DEMO-PKM-3201"
    response = csrf_post(admin, f"/admin/pengguna/{user_id}", {"role": "petugas_faskes", "facility": "DEMO-KLP-3201"})
    assert response.status_code == 303  # "active" left unticked: deactivated
    with app.app_context():
        user = User.get_by_id(user_id)
        assert not user.active and user.facility.code == "DEMO-KLP-3201"
    assert faskes.get("/beranda").status_code == 302  # signed out at once
    assert sign_in(app.test_client(), "faskes").status_code == 200


def test_an_admin_cannot_lock_themselves_out(app, admin):
    with app.app_context():
        me = User.get(User.username == "admin").id
    response = csrf_post(admin, f"/admin/pengguna/{me}", {"role": "petugas_bpjs", "active": "y"})
    assert response.status_code == 200 and "sendiri" in field_error(response, "role")
    with app.app_context():
        assert User.get_by_id(me).role == "admin"


def test_reset_a_staff_password_by_code(app, admin):
    with app.app_context():
        user_id = User.get(User.username == "petugas").id
    response = csrf_post(admin, f"/admin/pengguna/{user_id}/kode", form_page=f"/admin/pengguna/{user_id}")
    activate(app, "petugas", code_on(response))
    assert sign_in(app.test_client(), "petugas", PASSWORD).status_code == 303
    assert sign_in(app.test_client(), "petugas", "demo1234").status_code == 200


def test_participant_accounts_are_not_staff(app, admin):
    with app.app_context():
        budi = User.get(User.username.is_null()).id
    assert admin.get(f"/admin/pengguna/{budi}").status_code == 404


def test_the_list_pages(app, admin):
    with app.app_context():
        for number in range(30):
            User.create(username=f"zz{number:02d}", role="petugas_bpjs", password_hash="!")
    first = page(admin.get("/admin/pengguna"))
    names = [a.get_text() for a in first.find(id="users").find_all("a")]
    assert len(names) == 25 and names == sorted(names)
    second = page(admin.get(first.find("a", string="Halaman berikutnya")["href"]))
    more = [a.get_text() for a in second.find(id="users").find_all("a")]
    assert more and not set(names) & set(more) and names[-1] < more[0]
    assert admin.get("/admin/pengguna?setelah=" + "z" * 3000).status_code == 200  # past 4,096: the 414 page


def test_only_admins(app):
    for role in ("petugas_bpjs", "fasilitator", "peserta"):
        assert signed_in_client(app, role).get("/admin/pengguna").status_code == 403


def test_create_user_with_facility_and_districts(app, runner):
    made = runner.invoke(args=["create-user", "pkm.tigaraksa", "--role", "petugas_faskes",
                               "--facility", "DEMO-PKM-3603"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    fasil = runner.invoke(args=["create-user", "fasil.tigaraksa", "--role", "fasilitator", "--district",
                                "36.03.03", "--district", "32.01.01"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert fasil.exit_code == 0, fasil.output
    with app.app_context():
        assert User.get(User.username == "pkm.tigaraksa").facility.code == "DEMO-PKM-3603"
        assert User.get(User.username == "fasil.tigaraksa").district_codes() == ["32.01.01", "36.03.03"]
    for args, words in ((["--role", "petugas_faskes"], "--facility"),
                        (["--role", "petugas_faskes", "--facility", "NOPE"], "No facility"),
                        (["--role", "fasilitator"], "--district"),
                        (["--role", "fasilitator", "--district", "32.01"], "Not a district")):
        refused = runner.invoke(args=["create-user", "ditolak", *args], input=f"{PASSWORD}\n{PASSWORD}\n")
        assert refused.exit_code != 0 and words in refused.output
    with app.app_context():
        assert not User.select().where(User.username == "ditolak").exists()
        assert StaffDistrict.select().join(User).where(User.username == "ditolak").count() == 0
        assert Facility.select().count() >= 7
