"""RFC 9457 problem details for the office API, in Indonesian or English (Accept-Language)."""
import json

from flask import Response, request

#: code → (HTTP status, Indonesian title, English title)
PROBLEMS = {
    "missing_token": (401, "Token API wajib dikirim (Authorization: Bearer …)",
                      "An API token is required (Authorization: Bearer …)"),
    "bad_token": (401, "Token API tidak dikenal", "Unknown API token"),
    "revoked_token": (401, "Token API sudah dicabut", "The API token has been revoked"),
    "wrong_scope": (403, "Token ini tidak berhak atas operasi ini", "This token lacks the scope of this operation"),
    "not_found": (404, "Tidak ditemukan", "Not found"),
    "method_not_allowed": (405, "Metode tidak diizinkan", "Method not allowed"),
    "idempotency_conflict": (409, "Idempotency-Key ini sudah dipakai untuk isi yang lain",
                             "This Idempotency-Key was used with another body"),
    "bad_idempotency_key": (400, "Idempotency-Key harus 1-100 karakter ASCII",
                            "Idempotency-Key must be 1-100 ASCII characters"),
    "body_too_large": (413, "Isi permintaan terlalu besar", "The request body is too large"),
    "invalid_json": (400, "Isi harus JSON yang sah", "The body must be valid JSON"),
    "invalid_body": (422, "Isi permintaan tidak sah", "The request body is invalid"),
    "refused": (422, "Data ditolak", "The data was refused"),
    "bad_cursor": (400, "Cursor tidak sah atau sudah diubah", "The cursor is invalid or was tampered with"),
    "bad_query": (400, "Parameter tidak sah", "Invalid query parameter"),
    "rate_limited": (429, "Terlalu banyak permintaan, coba lagi nanti", "Too many requests, retry later"),
    "unavailable": (503, "Layanan sibuk, kirim ulang nanti", "Busy, retry later"),
    "internal_error": (500, "Terjadi gangguan", "Internal error"),
}
TYPE_BASE = "https://jkn-lite.example/api/problems/"


class ApiProblem(Exception):
    """Raised anywhere in an API call: answered as problem+json, nothing saved (the transaction rolls back)."""

    def __init__(self, code, detail="", errors=None):
        super().__init__(code)
        self.code, self.detail, self.errors = code, detail, errors or []

    @property
    def status(self):
        return PROBLEMS[self.code][0]


def english():
    """True when the caller prefers English to Indonesian."""
    best = request.accept_languages.best_match(["id", "en"], default="id")
    return best == "en"


def problem_body(code, detail="", errors=None):
    status, title_id, title_en = PROBLEMS[code]
    body = {"type": TYPE_BASE + code.replace("_", "-"), "title": title_en if english() else title_id,
            "status": status, "detail": detail or (title_en if english() else title_id)}
    if errors:
        body["errors"] = errors
    return body


def problem_response(code, detail="", errors=None):
    body = problem_body(code, detail, errors)
    response = Response(json.dumps(body, ensure_ascii=False), status=body["status"],
                        mimetype="application/problem+json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = "en" if english() else "id"
    return response
