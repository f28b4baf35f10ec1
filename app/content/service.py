"""Konten: the workflows of articles, announcements and transparency pages (each write in one
transaction, audited), the editor right, and the search across articles and pages.

Announcements reach the inboxes of the participants they target (app/inbox/service.py) when made
and by the daily job when their window opens later; stopping one takes it out of every inbox.

Articles: draft → published (scheduled while `published_at` is ahead: the queries compare it with
the current time, so an article appears exactly at its moment, with no job to run) → withdrawn.
"""
import difflib
import re
from dataclasses import dataclass

from app.content import text
from app.core import clock, uploads
from app.core.audit import audit
from app.core.db import write_lock
from app.inbox import service as inbox
from app.models import Announcement, Article, ArticleRegion, PageVersion, SearchEntry, User

WORD = re.compile(r"[^\W_]+")
MAX_WORD = 40


# --- search -------------------------------------------------------------------------------------

def search_words(query):
    """The words of a search box, lower case, at most SearchEntry.MAX_WORDS of them."""
    return [w[:MAX_WORD] for w in WORD.findall((query or "").lower())][:SearchEntry.MAX_WORDS]


def search(query, moment=None, limit=20):
    """[(kind, key, entry)] for the words of `query`, best first: kind "artikel" or "informasi"."""
    entries = SearchEntry.matching(search_words(query), moment or clock.now(), limit)
    return [(entry.key.partition(":")[0], entry.key.partition(":")[2], entry) for entry in entries]


def _index(key, title, summary, body_html, visible_from):
    entry = SearchEntry.get_or_none(SearchEntry.key == key) or SearchEntry(key=key)
    entry.title, entry.summary, entry.body = title, summary, text.to_plain(body_html)
    entry.visible_from, entry.updated_at = visible_from, clock.now()
    entry.save()


def index_article(article):
    """Put a published article in the search (found from its moment on), or take it out."""
    if article.status == "published":
        _index(f"artikel:{article.id}", article.title, article.summary, article.body_html, article.published_at)
    else:
        _unindex(f"artikel:{article.id}")


def index_page(version):
    _index(f"informasi:{version.slug}", version.title, "", version.body_html, clock.now())


def _unindex(key):
    SearchEntry.delete().where(SearchEntry.key == key).execute()


# --- articles -----------------------------------------------------------------------------------

def save_article(form, editor, article=None):
    """Create or change an article from a valid ArticleForm; returns it. "terbitkan" publishes (now
    or at the form's moment), "draf" keeps (or puts back) a draft that is not yet visible."""
    now = clock.now()
    with write_lock():
        new = article is None
        if new:
            article = Article(created_by=editor)
        else:
            article = Article.get_locked(article.id)
            if article.status == "withdrawn":
                return None
        visible = not new and article.state_at(now) == "published"
        article.kind, article.title = form.kind.data, form.title.data
        article.summary, article.body_markdown = form.summary.data, form.body.data
        article.body_html = text.to_html(form.body.data)
        old_image = article.image
        if form.image_jpeg is not None:
            article.image = uploads.store(form.image_jpeg)
        elif form.remove_image.data:
            article.image = None
        article.image_alt = form.image_alt.data if article.image else ""
        if visible:
            pass  # published: it keeps its moment, edits show as `updated`
        elif form.publishing:
            article.status, article.published_at = "published", form.publish_at or now
        else:
            article.status, article.published_at = "draft", None
        article.updated_at = now
        article.save()
        ArticleRegion.delete().where(ArticleRegion.article == article).execute()
        for code in form.targets:
            ArticleRegion.create(article=article, region_code=code)
        index_article(article)
        audit(editor, "article_created" if new else "article_updated", f"article:{article.id}",
              state=article.state_at(now))
    if old_image and old_image != article.image:
        uploads.remove(old_image)
    return article


def withdraw_article(article, editor, reason):
    """Withdraw (tarik) an article: its URL answers 410 from now on; None when it already was."""
    now = clock.now()
    with write_lock():
        article = Article.get_locked(article.id)
        if article.status == "withdrawn":
            return None
        was = article.state_at(now)
        article.status, article.withdrawn_at, article.withdrawn_reason = "withdrawn", now, reason
        if article.published_at is None or article.published_at > now:
            article.published_at = now  # never seen: it leaves the feed at once all the same
        article.updated_at = now
        article.save()
        _unindex(f"artikel:{article.id}")
        audit(editor, "article_withdrawn", f"article:{article.id}", was=was)
    return article


# --- announcements ------------------------------------------------------------------------------

def create_announcement(form, editor):
    with write_lock():
        announcement = Announcement.create(
            kind=form.kind.data, title=form.title.data, body=form.body.data,
            region_code=form.region_code.data or "", segment=form.segment.data or "",
            created_by=editor, **form.values)
        audit(editor, "announcement_created", f"announcement:{announcement.id}")
        inbox.deliver_announcements(announcement_id=announcement.id)  # shown from today: in the inboxes now
    return announcement


def stop_announcement(announcement, editor):
    """End the display window today; False when it had already ended."""
    with write_lock():
        announcement = Announcement.get_locked(announcement.id)
        if announcement.state_on(clock.today()) == "selesai":
            return False
        announcement.stopped = True
        announcement.save()
        inbox.withdraw_announcement(announcement.id)
        audit(editor, "announcement_stopped", f"announcement:{announcement.id}")
    return True


# --- transparency pages -------------------------------------------------------------------------

def add_page_version(slug, form, editor):
    """A new version on top of the newest (every version is kept, so two editors saving at once
    both keep theirs). The page's search entry follows the newest version."""
    with write_lock():
        latest = PageVersion.latest(slug)
        if latest is not None:
            PageVersion.get_locked(latest.id)  # PostgreSQL: one new version of a page at a time
        body_html = text.to_html(form.body.data)
        version = PageVersion.create(
            slug=slug, number=(latest.number + 1) if latest else 1, title=form.title.data,
            body_markdown=form.body.data, body_html=body_html, effective_from=form.day,
            source=form.source.data, note=form.note.data or "", created_by=editor)
        index_page(version)
        audit(editor, "page_version_added", f"page:{slug}", version=version.number)
    return version


@dataclass(frozen=True)
class DiffLine:
    change: str  # "sama", "hapus", "tambah", "lewat" (unchanged lines left out)
    text: str


def compare(old, new, context=2):
    """The lines of two versions' Markdown, as DiffLines: what was removed, what was added, and a
    little unchanged text around each change."""
    before, after = old.body_markdown.splitlines(), new.body_markdown.splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("lewat", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("sama", line) for line in before[i1:i2]]
                continue
            lines += [DiffLine("hapus", line) for line in before[i1:i2]]
            lines += [DiffLine("tambah", line) for line in after[j1:j2]]
    return lines


# --- the editor right ---------------------------------------------------------------------------

def set_editor(admin, user_id, grant):
    """Grant or revoke the editor right of an officer (petugas_bpjs); False for anyone else."""
    with write_lock():
        user = User.get_or_none((User.id == user_id) & (User.role == "petugas_bpjs"))
        if user is None:
            return False
        if user.is_editor != grant:
            User.update(is_editor=grant).where(User.id == user.id).execute()
            audit(admin, "editor_granted" if grant else "editor_revoked", f"user:{user.id}")
    return True
