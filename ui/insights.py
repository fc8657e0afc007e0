"""The console's insights page (`/console/insights`) and its JSON and CSV exports, behind the
console's agent login. Charts are inline SVG drawn here: no script, no CDN."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot import ShopBot
from bot.errors import InputError
from bot.insights.report import report_csv
from bot.insights.service import InsightsService
from bot.settings import Settings

BLUE, GREEN, RED, AMBER, GREY = "#2563eb", "#16a34a", "#dc2626", "#d97706", "#9ca3af"
STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: #1b1b1f; background: #f4f5f7; }
header { background: #1f2937; color: #fff; padding: 10px 16px; display: flex; gap: 16px;
  align-items: center; }
header h1 { font-size: 16px; margin: 0; flex: 1; } header a { color: #cbd5e1; }
form { display: flex; gap: 8px; align-items: center; padding: 12px 16px; }
form input { padding: 5px; border: 1px solid #c8cbd2; border-radius: 6px; }
form button { background: #2563eb; color: #fff; border: 0; border-radius: 6px; padding: 6px 12px; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px;
  padding: 0 16px 16px; }
section { background: #fff; border-radius: 10px; padding: 12px 14px;
  box-shadow: 0 1px 4px rgba(0,0,0,.06); }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 14px; margin: 0 0 8px; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; }
.tile { background: #f8fafc; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px 12px;
  min-width: 130px; }
.tile b { display: block; font-size: 20px; } .tile span { font-size: 12px; color: #555; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 5px 6px;
  border-bottom: 1px solid #eceef1; vertical-align: top; font-size: 13px; }
.grow { color: #b45309; font-weight: 600; } .muted { color: #6b7280; font-size: 12px; }
pre { white-space: pre-wrap; background: #f8fafc; padding: 8px; border-radius: 6px; }
.legend span { margin-right: 12px; font-size: 12px; }
"""


def build_insights_router(
    bot: ShopBot, settings: Settings, admin: Callable[[Request], Awaitable[Any]]
) -> APIRouter:
    """The page and its exports; ``admin`` is the console's check for an admin's login."""
    service = InsightsService(bot, settings)
    router = APIRouter(tags=["console"], include_in_schema=False)

    async def report(since: str | None, until: str | None) -> dict[str, Any]:
        try:
            return await asyncio.to_thread(service.report, since or None, until or None)
        except InputError as exc:
            raise HTTPException(400, str(exc)) from exc

    @router.get("/console/insights", response_class=HTMLResponse)
    async def page(request: Request, since: str = "", until: str = "") -> Response:
        try:
            await admin(request)
        except HTTPException as exc:
            if exc.status_code != 401:
                raise
            return RedirectResponse("/console", status_code=303)
        document = await report(since, until)
        html = render_page(settings.store_name.title(), document, since, until)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @router.get("/console/insights.json")
    async def as_json(since: str = "", until: str = "", _: object = Depends(admin)) -> JSONResponse:
        return JSONResponse(await report(since, until))

    @router.get("/console/insights.csv")
    async def as_csv(since: str = "", until: str = "", _: object = Depends(admin)) -> Response:
        text = report_csv(await report(since, until))
        headers = {"Content-Disposition": 'attachment; filename="shopbot-insights.csv"'}
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)

    return router


# -- the page ----------------------------------------------------------------------------
def render_page(store: str, report: dict[str, Any], since: str, until: str) -> str:
    m = report["metrics"]
    overall, weekly = m["overall"], m["weekly"]
    weeks = [w["week"][5:] for w in weekly]
    query = urlencode({k: v for k, v in (("since", since), ("until", until)) if v})
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(store)} — insights</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(store)} — service insights</h1>"
        f"<a href='/console'>Console</a><a href='/console/insights.json?{query}'>JSON</a>"
        f"<a href='/console/insights.csv?{query}' id='csv'>CSV</a></header>",
        "<form method='get'><label>From <input type='date' name='since' "
        f"value='{escape(since)}'></label><label>to <input type='date' name='until' "
        f"value='{escape(until)}'></label><button>Show</button>"
        f"<span class='muted'>{_range(report)}</span></form><main>",
        _tiles(overall),
        _section("Conversations per week", bars(weeks, [w["conversations"] for w in weekly])),
        _section(
            "Resolved by the bot alone and escalated, per week",
            lines(
                weeks,
                [
                    (
                        "resolved by the bot",
                        GREEN,
                        [w["automated_resolution_rate"] for w in weekly],
                    ),
                    ("escalated", RED, [w["escalation_rate"] for w in weekly]),
                ],
                0.0,
                1.0,
                percent=True,
            ),
        ),
        _section(
            "CSAT per week: rated and predicted",
            lines(
                weeks,
                [
                    ("rated", BLUE, [w["rated_csat"] for w in weekly]),
                    ("predicted", AMBER, [w["predicted_csat"] for w in weekly]),
                ],
                1.0,
                5.0,
            ),
        ),
        _section("Escalations by reason", _escalations(overall)),
        _reasons(report.get("reasons")),
        _gaps(report.get("gaps")),
        "</main></body></html>",
    ]
    return "".join(parts)


def _range(report: dict[str, Any]) -> str:
    first, last = report["range"]["first"], report["range"]["last"]
    return f"{first[:10]} to {last[:10]}" if first and last else "no conversations"


def _section(title: str, body: str, wide: bool = False) -> str:
    cls = " class='wide'" if wide else ""
    return f"<section{cls}><h2>{escape(title)}</h2>{body}</section>"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _tiles(o: dict[str, Any]) -> str:
    agreement = o["csat_agreement"]
    fit = f"MAE {agreement['mae']}" if agreement.get("pairs") else "no pairs"
    tiles = [
        (str(o["conversations"]), "conversations"),
        (_pct(o["automated_resolution_rate"]), "resolved by the bot alone"),
        (_pct(o["escalation_rate"]), "escalated to a human"),
        (str(o["median_turns"] if o["median_turns"] is not None else "–"), "median shopper turns"),
        (str(o["rated_csat"] or "–"), f"rated CSAT ({o['rated']} ratings)"),
        (str(o["predicted_csat"] or "–"), f"predicted CSAT ({fit})"),
        (f"{o['thumbs_up']} / {o['thumbs_down']}", "thumbs up / down"),
        (
            f"{o['outside_hours']} / {o['outside_hours_email']}",
            "handed over outside hours / with an e-mail to reply to",
        ),
    ]
    body = "".join(
        f"<div class='tile'><b>{escape(v)}</b><span>{escape(t)}</span></div>" for v, t in tiles
    )
    return f"<section class='wide'><div class='tiles' id='tiles'>{body}</div></section>"


def _escalations(o: dict[str, Any]) -> str:
    rows = [(r, f["conversations"]) for r, f in o["escalations_by_reason"].items()]
    if not rows:
        return "<p class='muted'>No escalations.</p>"
    return hbars(rows, RED)


def _reasons(reasons: dict[str, Any] | None) -> str:
    if not reasons:
        return _section("Top contact reasons", "<p class='muted'>Not computed.</p>", wide=True)
    rows = []
    for group in reasons["groups"][:12]:
        trend = "<span class='grow'>▲ growing</span>" if group["growing"] else ""
        examples = "<br>".join(escape(e) for e in group["examples"][1:])
        langs = ", ".join(f"{k} {v}" for k, v in group["languages"].items())
        rows.append(
            f"<tr><td>{group['size']}</td><td>{escape(group['label'])}"
            f"<div class='muted'>{examples}</div></td><td>{spark(group['weekly'])}</td>"
            f"<td>{trend}<div class='muted'>{escape(langs)}</div></td></tr>"
        )
    title = f"Top contact reasons ({reasons['k']} groups, embedder {reasons['embedder']})"
    table = (
        "<table id='reasons'><tr><th>#</th><th>Typical shopper messages</th>"
        f"<th>Per week</th><th>Trend</th></tr>{''.join(rows)}</table>"
    )
    return _section(title, table, wide=True)


def _gaps(gaps: dict[str, Any] | None) -> str:
    if not gaps:
        return _section("Knowledge gaps", "<p class='muted'>Not computed.</p>", wide=True)
    rows = []
    for group in gaps["groups"][:15]:
        signals = ", ".join(f"{k} {v}" for k, v in group["signals"].items())
        examples = "<br>".join(escape(e) for e in group["examples"][1:])
        rows.append(
            f"<tr><td>{group['size']}</td><td>{escape(group['question'])}"
            f"<div class='muted'>{examples}</div></td><td class='muted'>{escape(signals)}</td>"
            f"<td><details><summary>draft FAQ</summary><pre>{escape(group['draft_faq'])}</pre>"
            "</details></td></tr>"
        )
    title = (
        f"Knowledge gaps: {gaps['gap_questions']} of {gaps['questions_checked']} questions, "
        f"{len(gaps['groups'])} groups"
    )
    table = (
        "<table id='gaps'><tr><th>#</th><th>Question</th><th>Why</th><th></th></tr>"
        f"{''.join(rows)}</table>"
    )
    return _section(title, table, wide=True)


# -- charts ------------------------------------------------------------------------------
W, H, PAD = 520, 200, 34


def bars(labels: list[str], values: list[float]) -> str:
    if not values:
        return "<p class='muted'>No data.</p>"
    top = max(values) or 1
    step = (W - 2 * PAD) / len(values)
    out = [_axes(0, top)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (H - 2 * PAD) * value / top
        x = PAD + i * step
        out.append(
            f"<rect x='{x + 2:.1f}' y='{H - PAD - h:.1f}' width='{step - 4:.1f}' "
            f"height='{h:.1f}' fill='{BLUE}'><title>{label}: {value}</title></rect>"
        )
        out.append(_xlabel(x + step / 2, label, i, len(labels)))
    return _svg(out)


def lines(
    labels: list[str],
    series: list[tuple[str, str, list[float | None]]],
    low: float,
    high: float,
    percent: bool = False,
) -> str:
    if not labels:
        return "<p class='muted'>No data.</p>"
    step = (W - 2 * PAD) / max(len(labels) - 1, 1)
    out = [_axes(low, high, percent)]
    for i, label in enumerate(labels):
        out.append(_xlabel(PAD + i * step, label, i, len(labels)))
    legend = []
    for name, colour, values in series:
        points = [
            f"{PAD + i * step:.1f},{_y(v, low, high):.1f}"
            for i, v in enumerate(values)
            if v is not None
        ]
        out.append(
            f"<polyline fill='none' stroke='{colour}' stroke-width='2' "
            f"points='{' '.join(points)}'/>"
        )
        legend.append(f"<span style='color:{colour}'>■ {escape(name)}</span>")
    return _svg(out) + f"<div class='legend'>{''.join(legend)}</div>"


def hbars(rows: list[tuple[str, float]], colour: str) -> str:
    top = max(v for _, v in rows) or 1
    height = 22 * len(rows) + 6
    out = []
    for i, (label, value) in enumerate(rows):
        width = (W - 220) * value / top
        y = 4 + i * 22
        out.append(
            f"<text x='0' y='{y + 13}' font-size='12'>{escape(label)}</text>"
            f"<rect x='170' y='{y}' width='{width:.1f}' height='16' fill='{colour}'/>"
            f"<text x='{174 + width:.1f}' y='{y + 13}' font-size='12'>{value}</text>"
        )
    return f"<svg viewBox='0 0 {W} {height}' width='100%' role='img'>{''.join(out)}</svg>"


def spark(values: list[int]) -> str:
    top = max(values) or 1
    step = 120 / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{24 - 22 * v / top:.1f}" for i, v in enumerate(values))
    return (
        "<svg width='124' height='26' viewBox='-2 0 124 26'>"
        f"<polyline fill='none' stroke='{BLUE}' stroke-width='1.5' points='{points}'/></svg>"
    )


def _y(value: float, low: float, high: float) -> float:
    return H - PAD - (H - 2 * PAD) * (value - low) / ((high - low) or 1)


def _axes(low: float, high: float, percent: bool = False) -> str:
    out = []
    for i in range(5):
        value = low + (high - low) * i / 4
        y = _y(value, low, high)
        text = (
            f"{100 * value:.0f}%" if percent else (f"{value:g}" if high <= 10 else f"{value:.0f}")
        )
        out.append(
            f"<line x1='{PAD}' x2='{W - PAD}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e7eb'/>"
            f"<text x='{PAD - 4}' y='{y + 4:.1f}' font-size='10' text-anchor='end' "
            f"fill='#6b7280'>{text}</text>"
        )
    return "".join(out)


def _xlabel(x: float, label: str, i: int, n: int) -> str:
    if n > 8 and i % 2:
        return ""  # every other week when there are many
    return (
        f"<text x='{x:.1f}' y='{H - PAD + 14}' font-size='10' text-anchor='middle' "
        f"fill='#6b7280'>{escape(label)}</text>"
    )


def _svg(parts: list[str]) -> str:
    return f"<svg viewBox='0 0 {W} {H}' width='100%' role='img'>{''.join(parts)}</svg>"
