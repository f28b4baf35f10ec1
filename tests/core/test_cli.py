"""The flask commands that `make run` and operators use."""
from app.models import User
from tests.helpers import sign_in


def test_migrate_reports_and_is_idempotent(runner):
    status = runner.invoke(args=["migrate", "--status"])
    assert status.exit_code == 0 and "applied  0001_initial" in status.output
    again = runner.invoke(args=["migrate"])
    assert again.exit_code == 0 and again.output.startswith("Applied 0 migration(s).")


def test_migrate_create_refuses_when_models_and_database_agree(runner):
    result = runner.invoke(args=["migrate", "--create", "nothing"])
    assert result.exit_code == 1 and "already agree" in result.output


def test_seed_and_region_import_are_idempotent(runner):
    assert runner.invoke(args=["seed", "--demo"]).output.strip() == "Demo data already present."
    assert runner.invoke(args=["seed", "--demo", "--if-empty"]).output.strip() == (
        "Accounts exist: demo data not loaded.")
    assert runner.invoke(args=["import", "regions", "--if-empty"]).output.strip() == "Regions already loaded."


def test_create_user_refuses_weak_passwords_and_duplicates(app, runner):
    weak = runner.invoke(args=["create-user", "kasir", "--role", "petugas_bpjs"], input="12345678\n12345678\n")
    assert weak.exit_code == 1 and "common" in weak.output
    made = runner.invoke(args=["create-user", "Kasir", "--role", "petugas_bpjs"],
                         input="kopi-pagi-di-sawah\nkopi-pagi-di-sawah\n")
    assert made.exit_code == 0 and "Created petugas_bpjs kasir." in made.output
    again = runner.invoke(args=["create-user", "kasir", "--role", "admin"],
                          input="kopi-pagi-di-sawah\nkopi-pagi-di-sawah\n")
    assert again.exit_code == 1 and "exists" in again.output
    bad_name = runner.invoke(args=["create-user", "nama pakai spasi", "--role", "admin"],
                             input="kopi-pagi-di-sawah\nkopi-pagi-di-sawah\n")
    assert bad_name.exit_code == 1
    assert sign_in(app.test_client(), "kasir", "kopi-pagi-di-sawah").status_code == 303
    with app.app_context():
        assert User.select().where(User.username == "nama pakai spasi").count() == 0


def test_purge_drafts_deletes_only_old_drafts(app, runner, monkeypatch):
    from datetime import timedelta

    from app.core import clock
    from app.models import Registration

    with app.app_context():
        old = Registration.create(token="111122223333", updated_at=clock.now() - timedelta(days=31))
        fresh = Registration.create(token="444455556666")
        reviewed = Registration.create(token="777788889999", status="review",
                                       updated_at=clock.now() - timedelta(days=90))
    result = runner.invoke(args=["purge-drafts", "--days", "30"])
    assert result.exit_code == 0 and "Deleted 1 draft(s)" in result.output
    with app.app_context():
        left = {r.id for r in Registration.select()}
    assert old.id not in left and {fresh.id, reviewed.id} <= left
