"""`flask rotate-field-key`: re-encrypt every registered encrypted column with the current FIELD_KEY
and rebuild its blind index.

How an operator rotates (README, "Operations"):
1. Set FIELD_KEY to the new key and FIELD_KEY_PREVIOUS to the old one; restart the app servers and
   the worker: both keys are accepted from now on.
2. Run `flask rotate-field-key`. Rows go in batches, each batch in its own transaction. Its progress
   marker is in the data itself: a ciphertext names the key that sealed it (`v2:<key id>:…`), and
   only rows not yet sealed by the current key are selected, so an interrupted run (a crash, Ctrl-C,
   a deploy) is resumed by running the command again; nothing is done twice.
3. When it reports 0 rows left, remove FIELD_KEY_PREVIOUS and restart.
"""
import click

from app.core import security
from app.core.cli import with_db
from app.core.db import write_lock

BATCH = 200


def pending(spec):
    """The rows of one registered column not yet sealed by the current key."""
    column = getattr(spec.model, spec.column)
    prefix = security.current_key_prefix()
    return spec.model.select().where(column.is_null(False) & (column != "") & ~column.startswith(prefix))


def rotate_batch(spec, after_id, size=BATCH):
    """Re-encrypt up to `size` pending rows with ids above `after_id` in one transaction; returns
    (the last id done or None when nothing was left, rows done)."""
    model = spec.model
    key = model._meta.primary_key
    with write_lock():
        rows = list(pending(spec).where(key > after_id).order_by(key).limit(size))
        for row in rows:
            plain = security.decrypt(getattr(row, spec.column), spec.field)
            values = {spec.column: security.encrypt(plain, spec.field)}
            if spec.index:
                values[spec.index] = security.blind_index(plain, spec.field)
            model.update(values).where(key == row.get_id()).execute()
    return (rows[-1].get_id() if rows else None), len(rows)


def rotate(size=BATCH, report=lambda spec, done: None):
    """Rotate every registered column; returns {column name: rows re-encrypted}."""
    counts = {}
    for spec in security.ENCRYPTED_FIELDS:
        done, after = 0, 0
        while True:
            after, count = rotate_batch(spec, after, size)
            if after is None:
                break
            done += count
            report(spec, done)
        counts[repr(spec)] = done
    return counts


def left():
    """{column name: rows still sealed by another key}."""
    return {repr(spec): pending(spec).count() for spec in security.ENCRYPTED_FIELDS}


@click.command("rotate-field-key")
@click.option("--batch", default=BATCH, show_default=True, help="Rows per transaction.")
@click.option("--check", is_flag=True, help="Only count the rows still sealed by another key.")
@with_db
def rotate_command(batch, check):
    """Re-encrypt every encrypted field with FIELD_KEY and rebuild the blind indexes (resumable)."""
    if not check:
        counts = rotate(batch, lambda spec, done: click.echo(f"  {spec!r}: {done} re-encrypted"))
        for name, count in counts.items():
            click.echo(f"{name}: {count} row(s) re-encrypted")
    remaining = left()
    click.echo(f"Rows left on another key: {sum(remaining.values())}"
               + "".join(f"\n  {name}: {count}" for name, count in remaining.items() if count))
    if not check and not sum(remaining.values()):
        click.echo("Done: FIELD_KEY_PREVIOUS can be removed.")
