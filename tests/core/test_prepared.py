"""Prepared queries (app.core.db.Prepared): SQL made once, the same rows as the query itself."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import fn

from app.core.db import Prepared
from app.models import Family, Participant, Reminder
from app.models.base import _BY_KEY


def _family_since(family, born_after):
    return (Participant.select().where((Participant.family == family) & (Participant.birth_date > born_after))
            .order_by(Participant.id))


FAMILY_SINCE = Prepared(_family_since)
ACTED_FOR = Prepared(lambda me, family, head: Participant.select(Participant.id)
                     .where(Participant.acted_for(me, family, head)).order_by(Participant.id).tuples())
UNREAD = Prepared(lambda participant: Reminder.select(fn.COUNT(Reminder.id))
                  .where(Reminder.participant == participant, Reminder.read_at.is_null()))


@pytest.fixture
def people(app):
    with app.app_context():
        yield list(Participant.select().order_by(Participant.id))


def _rows(query):
    return [row.__data__ for row in query]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(0, 10_000), born_after=st.dates(date(1940, 1, 1), date(2026, 12, 31)))
def test_a_prepared_query_gives_the_rows_of_the_query_built_with_the_values(app, people, pick, born_after):
    family = people[pick % len(people)].family_id
    with app.app_context():
        assert _rows(FAMILY_SINCE(family, born_after)) == _rows(_family_since(family, born_after))
        # a model instance is converted as its foreign key would convert it
        assert _rows(FAMILY_SINCE(Family.get_by_id(family), born_after)) == _rows(_family_since(family, born_after))


def test_whom_a_participant_acts_for_is_may_act_for_in_sql(app, people):
    """The head: every member of the family; the others: themselves (a boolean placeholder)."""
    with app.app_context():
        for me in people[:40]:
            expected = [p.id for p in people if me.may_act_for(p)]
            assert [row[0] for row in ACTED_FOR(*me.acting_for())] == expected
            assert [row[0] for row in ACTED_FOR(me.id, me.family_id, me.is_head)] == expected


def test_the_sql_is_made_once_and_first_and_scalar_read_one_row(app, people):
    built = []
    counting = Prepared(lambda family: built.append(1) or Participant.select().where(Participant.family == family))
    with app.app_context():
        for person in people[:5]:
            assert counting.first(person.family_id).family_id == person.family_id
        assert counting.first(-1) is None
        assert len(built) == 1
        head = people[0]
        expected = Reminder.select().where(Reminder.participant == head.id, Reminder.read_at.is_null()).count()
        assert UNREAD.scalar(head.id) == expected


def test_a_row_by_primary_key_and_a_foreign_key_followed_read_the_same_row(app, people):
    """BaseModel.get's shortcut (a prepared query) behaves like Peewee's get."""
    with app.app_context():
        person = people[0]
        assert Participant.get_by_id(person.id).__data__ == person.__data__
        assert Participant.get(Participant.id == person.id).name == person.name
        assert Participant.get_or_none(Participant.id == 2**31 - 1) is None
        with pytest.raises(Participant.DoesNotExist):
            Participant.get_by_id(2**31 - 1)
        fresh = Participant.get_by_id(person.id)
        assert fresh.family.__data__ == Family.select().where(Family.id == person.family_id).get().__data__
        # a unique column too; anything else is Peewee's own get
        assert Participant.get(Participant.card_number == person.card_number).__data__ == person.__data__
        assert Participant.get_or_none(Participant.card_number == "0" * 13) is None
        with pytest.raises(Participant.DoesNotExist):
            Participant.get(Participant.card_number == "0" * 13)
        assert (Participant, "card_number") in _BY_KEY
        assert Participant.get(Participant.name == person.name).family_id is not None
        assert Participant.get(Participant.id == person.id, Participant.family == person.family_id).id == person.id
        assert (Participant, "name") not in _BY_KEY and (Participant, "family") not in _BY_KEY


def test_dates_reach_the_database_as_the_field_converts_them(app, people):
    with app.app_context():
        person = people[0]
        day_before = person.birth_date - timedelta(days=1)
        assert person.id in {p.id for p in FAMILY_SINCE(person.family_id, day_before)}
        assert person.id not in {p.id for p in FAMILY_SINCE(person.family_id, person.birth_date)}


def test_postgresql_plans_a_prepared_query_once_per_connection(app, people):
    """PREPARE on the connection's first run, then only EXECUTE (the server plans it once)."""
    from app.core.db import db, is_sqlite

    statement = Prepared(lambda family: Participant.select().where(Participant.family == family))
    with app.app_context():
        if is_sqlite():
            pytest.skip("SQLite keeps no server-side plans")
        sent, real = [], db.obj.execute_sql
        db.obj.execute_sql = lambda sql, *args, **kw: sent.append(sql.split(" ", 1)[0]) or real(sql, *args, **kw)
        try:
            family = people[0].family_id
            expected = _rows(Participant.select().where(Participant.family == family))
            runs = [_rows(statement(family)) for _ in range(3)]
            server = db.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
                                    (statement.name,)).fetchone()[0]
        finally:
            del db.obj.execute_sql
    assert runs == [expected] * 3 and server == 1
    assert [word for word in sent if word in ("PREPARE", "EXECUTE")] == ["PREPARE"] + ["EXECUTE"] * 3


def test_a_query_kept_off_the_server_is_built_once_and_never_prepared(app, people):
    """on_server=False (a query shaped in one request, run there several times): the rows of the
    query built with the values, the SQL made once, and on PostgreSQL no PREPARE, no EXECUTE."""
    from app.core.db import db

    built, sent = [], []
    statement = Prepared(lambda family, born_after: built.append(1) or _family_since(family, born_after),
                         on_server=False)
    with app.app_context():
        real = db.obj.execute_sql
        db.obj.execute_sql = lambda sql, *a, **kw: sent.append(sql.split(" ", 1)[0]) or real(sql, *a, **kw)
        try:
            runs = [(_rows(statement(p.family_id, p.birth_date - timedelta(days=1))),
                     _rows(_family_since(p.family_id, p.birth_date - timedelta(days=1)))) for p in people[:4]]
        finally:
            del db.obj.execute_sql
    assert all(mine == expected and mine for mine, expected in runs)
    assert len(built) == 1
    assert set(sent) == {"SELECT"}


BY_IDS = Prepared(lambda *ids: Participant.select().where(Participant.id.in_(ids)).order_by(Participant.id),
                  arity=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, 10_000), max_size=3))
def test_a_fixed_number_of_ids_padded_with_no_id_reads_those_rows(app, people, picks):
    ids = [people[pick % len(people)].id for pick in picks]
    with app.app_context():
        padded = [*ids, *[0] * (3 - len(ids))]
        assert _rows(BY_IDS(*padded)) == _rows(Participant.select().where(Participant.id.in_(ids or [0]))
                                               .order_by(Participant.id))
        assert len(BY_IDS._compile()[1]) == 3  # three parameters, whatever the ids
