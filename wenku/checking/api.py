"""POST /api/check: the 查重 report of a text as JSON (CheckReport.to_json()), mounted under /api/.

Open to anyone, like the /check page, and throttled the same way (checking.throttle); nothing is stored.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from wenku.checking.running import Refusal, run_check

router = Router(tags=["check"])


class CheckIn(Schema):
    text: str


class CheckErrorOut(Schema):
    detail: str


@router.post(
    "/check",
    response={200: dict[str, Any], 400: CheckErrorOut, 413: CheckErrorOut, 429: CheckErrorOut, 503: CheckErrorOut},
    summary="Check a text against the library (查重)",
)
def check(request, payload: CheckIn):
    """JSON body `{"text": "..."}`. Offsets (`start`, `end`) are 0-based, end exclusive, in `text` as sent;
    `source_start`/`source_end` in the source document's text; `page` is the source page of the passage.

    - **200**: `chars`, `copied_chars`, `ratio`, `ratio_excluding_quotes`, `sources` (largest first, each with its
      `matches`), `common_phrases` (not counted as copying) and the `settings` used.
    - **400**: no text to check. **413**: longer than WENKU_CHECK_MAX_CHARS. **429**: too many checks; wait.
      **503**: the 查重 index is missing or damaged and must be rebuilt (`wenku reindex`).
    """
    result = run_check(request, payload.text)
    if isinstance(result, Refusal):
        return Status(result.status, {"detail": result.message})
    return Status(200, result.to_json())
