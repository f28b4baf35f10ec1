"""Konten: the public article list, article pages and Atom feeds, the transparency pages with their
history and comparison, the search; and the editors' desk under /petugas/konten (officers an admin
made editors)."""
from datetime import datetime
from functools import wraps

from flask import abort, flash, make_response, redirect, request, send_file, url_for
from flask_login import current_user

from app.content import atom, bp, service
from app.content.forms import ARTICLE_BODY_MAX, AnnouncementForm, ArticleForm, PageVersionForm, WithdrawForm
from app.core import clock, labels, uploads
from app.core.auth import acting_user, public, roles
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.pagecache import same_for_everyone
from app.core.rendering import render
from app.models import Announcement, Article, PageVersion, RateVersion, Region
from app.models.content import TARGET_CODE
from app.tariffs import service as tariffs

PER_PAGE = 10
FEED_SIZE = 20
#: the `updated` of a feed that has never had an article
FEED_START = datetime(2026, 1, 1)
#: article kinds as they appear in URLs
KIND_SLUGS = {kind: kind.replace("_", "-") for kind in Article.KINDS}
KIND_OF_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}


def is_editor(user):
    return user.is_authenticated and user.role == "petugas_bpjs" and user.is_editor


def editors(view):
    """Officers (petugas_bpjs) whom an admin gave the editor right; other officers get 403."""
    @roles("petugas_bpjs")
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_editor:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def _region_names(codes):
    return {r.code: r.name for r in Region.select(Region.code, Region.name).where(Region.code.in_(codes))} if codes else {}


# --- articles -----------------------------------------------------------------------------------

def _reader_region(user):
    """The regency of a signed-in participant's family, or None."""
    if user.is_authenticated and user.participant_id and user.participant.family.district_code:
        return user.participant.family.district_code[:5]
    return None


@bp.get("/artikel")
@same_for_everyone
@public
def articles():
    """Artikel: newest first, ten a page, by kind and by the reader's region."""
    kind = request.args.get("jenis", "")
    kind = kind if kind in Article.KINDS else ""
    region = request.args.get("wilayah", "")
    region = region if TARGET_CODE.match(region) else ""
    number = parse_id(request.args.get("halaman")) or 1
    now = clock.now()
    rows = list(Article.feed(now, kind, region).paginate(number, PER_PAGE + 1)) if number <= 1000 else []
    own = _reader_region(current_user)
    choices = [c for c in [own] + Article.targeted_regions(now) if c]
    return render("content/articles.html", items=rows[:PER_PAGE], more=len(rows) > PER_PAGE, number=number,
                  kind=kind, region=region, own_region=own, region_choices=list(dict.fromkeys(choices)),
                  region_names=_region_names(choices + ([region] if region else [])), kind_slugs=KIND_SLUGS)


def _article_or_404(article_id):
    article = Article.get_or_none(Article.id == article_id)
    if article is None:
        abort(404)
    return article


@bp.get("/artikel/<int:article_id>")
@same_for_everyone
@public
def article(article_id):
    """One article; a withdrawn one answers 410 Gone with a kind page, a draft or a scheduled one
    is found only by editors (a preview)."""
    item = _article_or_404(article_id)
    state = item.state_at(clock.now())
    if state == "withdrawn":
        return render("content/withdrawn.html", article=item), 410
    if state != "published" and not is_editor(current_user):
        abort(404)
    targets = item.targets
    return render("content/article.html", article=item, state=state, targets=targets,
                  region_names=_region_names(targets), editor=is_editor(current_user), kind_slugs=KIND_SLUGS)


@bp.get("/artikel/<int:article_id>/gambar")
@public
def article_image(article_id):
    """The article's small image (stored outside the static root), while the article is shown."""
    item = _article_or_404(article_id)
    if item.state_at(clock.now()) != "published" and not is_editor(current_user):
        abort(404)
    path = uploads.path_of(item.image)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/artikel/atom")
@bp.get("/artikel/atom/<string:kind>")
@public
def feed(kind=None):
    """Atom 1.0, for all articles or one kind; 304 when the reader's copy is still current."""
    if kind is not None and kind not in KIND_OF_SLUG:
        abort(404)
    kind = KIND_OF_SLUG.get(kind)
    now = clock.now()
    items = list(Article.feed(now, kind).limit(FEED_SIZE))
    updated = Article.last_change(now, kind) or FEED_START
    title = _("Artikel JKN Lite") + (f": {labels.ARTICLE_KIND_LABELS[kind]}" if kind else "")
    etag = atom.validator(kind, updated, title, *(f"{a.id}/{a.updated_at}" for a in items))
    entries = [dict(name=f"artikel:{a.id}", title=a.title, url=url_for("content.article", article_id=a.id, _external=True),
                    published=a.published_at, updated=max(a.updated_at, a.published_at), summary=a.summary,
                    content_html=a.body_html, category=a.kind, category_label=str(labels.ARTICLE_KIND_LABELS[a.kind]))
               for a in items]
    body = atom.build(f"artikel:{kind or 'semua'}", title, request.base_url,
                      url_for("content.articles", jenis=kind, _external=True), updated, entries)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    response.set_etag(etag)
    response.last_modified = atom.http_moment(updated)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


# --- transparency pages --------------------------------------------------------------------------

def _slug_or_404(slug):
    if slug not in PageVersion.SLUGS:
        abort(404)
    return slug


@bp.get("/informasi")
@same_for_everyone
@public
def pages():
    """Hak, manfaat, prosedur, biaya: the four pages, and the search across pages and articles."""
    return render("content/pages.html", latest=PageVersion.latest_of_each(), slugs=PageVersion.SLUGS)


def _show_page(slug, version, history_count):
    extra = {}
    if slug == "biaya":
        current, _versions = tariffs.versions_on(clock.today(), RateVersion.tables())
        extra["tariff"] = current
    return render("content/page.html", slug=slug, version=version, latest=version.number == history_count,
                  **extra)


@bp.get("/informasi/<string:slug>")
@same_for_everyone
@public
def page(slug):
    version = PageVersion.latest(_slug_or_404(slug))
    if version is None:
        abort(404)
    return _show_page(slug, version, version.number)


@bp.get("/informasi/<string:slug>/versi/<int:number>")
@public
def page_version(slug, number):
    """An earlier (or the current) version, as it read then."""
    version = PageVersion.version(_slug_or_404(slug), number)
    latest = PageVersion.latest(slug)
    if version is None:
        abort(404)
    return _show_page(slug, version, latest.number)


@bp.get("/informasi/<string:slug>/riwayat")
@public
def page_history(slug):
    """Every version of a page, with the form that compares two of them."""
    history = PageVersion.history(_slug_or_404(slug))
    if not history:
        abort(404)
    return render("content/page_history.html", slug=slug, history=history)


@bp.get("/informasi/<string:slug>/bandingkan")
@public
def page_compare(slug):
    """What changed between two versions (?dari=1&ke=3), line by line."""
    _slug_or_404(slug)
    old = PageVersion.version(slug, parse_id(request.args.get("dari")) or 0)
    new = PageVersion.version(slug, parse_id(request.args.get("ke")) or 0)
    if old is None or new is None:
        abort(404)
    return render("content/compare.html", slug=slug, old=old, new=new, lines=service.compare(old, new))


@bp.get("/cari")
@public
def search():
    """Cari informasi: words across the articles and the transparency pages."""
    query = request.args.get("q", "")[:200]
    results = service.search(query) if query.strip() else []
    return render("content/search.html", query=query, results=results, searched=bool(query.strip()),
                  words=service.search_words(query))


# --- the editors' desk ---------------------------------------------------------------------------

@bp.get("/petugas/konten")
@editors
def desk():
    """What editors write: articles (every state), announcements, the four pages."""
    return render("content/desk.html", articles=list(Article.for_editors()), now=clock.now(),
                  announcements=list(Announcement.for_editors()), today=clock.today(),
                  latest=PageVersion.latest_of_each(), slugs=PageVersion.SLUGS)


def _article_data(item):
    """The stored article as the form shows it (its moment in WIB)."""
    local = clock.to_wib(item.published_at) if item.published_at else None
    return dict(kind=item.kind, title=item.title, summary=item.summary, body=item.body_markdown,
                regions=", ".join(item.targets), image_alt=item.image_alt,
                publish_date=f"{local:%d-%m-%Y}" if local else "", publish_time=f"{local:%H.%M}" if local else "")


def _article_form_page(form, article=None, withdraw=None):
    return render("content/article_form.html", form=form, article=article, now=clock.now(),
                  body_max=f"{ARTICLE_BODY_MAX:,}".replace(",", "."),
                  withdraw=withdraw or WithdrawForm(formdata=None))


@bp.route("/petugas/konten/artikel-baru", methods=["GET", "POST"])
@editors
def new_article():
    form = ArticleForm()
    if form.validate_on_submit():
        item = service.save_article(form, acting_user())
        flash(_saved_message(item.state_at(clock.now())), "ok")
        return redirect(url_for("content.edit_article", article_id=item.id), 303)
    return _article_form_page(form)


def _saved_message(state):
    return {"draft": _("Draf disimpan. Belum tampil bagi pembaca."),
            "scheduled": _("Artikel dijadwalkan: tampil tepat pada waktunya."),
            "published": _("Artikel tersimpan dan tampil bagi pembaca.")}[state]


@bp.route("/petugas/konten/artikel/<int:article_id>", methods=["GET", "POST"])
@editors
def edit_article(article_id):
    item = _article_or_404(article_id)
    form = ArticleForm(article=item, data=_article_data(item) if request.method == "GET" else None)
    if item.status != "withdrawn" and form.validate_on_submit():
        saved = service.save_article(form, acting_user(), item)
        if saved is not None:
            flash(_saved_message(saved.state_at(clock.now())), "ok")
            return redirect(url_for("content.edit_article", article_id=item.id), 303)
    return _article_form_page(form, item)


@bp.post("/petugas/konten/artikel/<int:article_id>/tarik")
@editors
def withdraw(article_id):
    """Tarik artikel: from now on its URL answers 410 and it leaves the list, the feed and search."""
    item = _article_or_404(article_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _article_form_page(ArticleForm(article=item, formdata=None, data=_article_data(item)), item, form)
    if service.withdraw_article(item, acting_user(), form.reason.data) is not None:
        flash(_("Artikel ditarik. Alamatnya sekarang menjawab \"sudah ditarik\"."), "ok")
    return redirect(url_for("content.edit_article", article_id=item.id), 303)


@bp.route("/petugas/konten/pengumuman-baru", methods=["GET", "POST"])
@editors
def new_announcement():
    today = clock.today()
    form = AnnouncementForm(today=today, data={"shown_from": f"{today:%d-%m-%Y}"} if request.method == "GET" else None)
    if form.validate_on_submit():
        service.create_announcement(form, acting_user())
        flash(_("Pengumuman disimpan."), "ok")
        return redirect(url_for("content.desk"), 303)
    return render("content/announcement_form.html", form=form)


@bp.post("/petugas/konten/pengumuman/<int:announcement_id>/hentikan")
@editors
def stop_announcement(announcement_id):
    announcement = Announcement.get_or_none(Announcement.id == announcement_id)
    if announcement is None:
        abort(404)
    if service.stop_announcement(announcement, acting_user()):
        flash(_("Pengumuman dihentikan: tidak tampil lagi."), "ok")
    return redirect(url_for("content.desk"), 303)


@bp.route("/petugas/konten/informasi/<string:slug>", methods=["GET", "POST"])
@editors
def edit_page(slug):
    """A new version of a transparency page, starting from the newest one's text."""
    previous = PageVersion.latest(_slug_or_404(slug))
    data = None
    if request.method == "GET" and previous is not None:
        data = dict(title=previous.title, body=previous.body_markdown, source=previous.source,
                    effective_from=f"{clock.today():%d-%m-%Y}")
    form = PageVersionForm(previous=previous, data=data)
    if form.validate_on_submit():
        version = service.add_page_version(slug, form, acting_user())
        flash(_("Versi %(n)d disimpan dan tampil sekarang.", n=version.number), "ok")
        return redirect(url_for("content.page", slug=slug), 303)
    return render("content/page_form.html", form=form, slug=slug, previous=previous)
