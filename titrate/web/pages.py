"""The clinician's pages: server-rendered HTML that works without JavaScript.

Every form posts back here with a CSRF token; a plan is previewed on the same page as its form, so an
error or a refusal appears beside the field at fault with the clinician's input kept.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import quote, unquote_plus, unquote_to_bytes

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from titrate.core.model import Plan
from titrate.core.record import Record
from titrate.errors import ConflictError, InputError, RefusedError
from titrate.formats.common import days_with_notes, dose_text, facts, finding_entries, refill_text
from titrate.formats.course import levels
from titrate.formats.diff import render_diff_text
from titrate.service.plans import diff_plans, read_plan, render_plan
from titrate.service.store import PatientRow
from titrate.web import forms, plans
from titrate.web.chart import dose_chart
from titrate.web.deps import Context, ContextDep, RowNumber, row_number
from titrate.web.security import csrf_ok
from titrate.web.views import download_formats, download_name

router = APIRouter(include_in_schema=False)


def plan_url(plan_id: str, revision: int | None = None) -> str:
    return f"/plans/{quote(plan_id)}" + (f"/revisions/{revision}" if revision is not None else "")


def shown(plan: Plan) -> dict[str, Any]:
    """What the preview and the plan page show of a plan."""
    return {"plan": plan, "chart": dose_chart(plan), "levels": levels(plan), "findings": finding_entries(plan),
            "facts": facts(plan),
            "refills": [refill_text(plan, refill) for refill in plan.refills],
            "days": [(day, dose_text(day), "; ".join(notes)) for day, notes in days_with_notes(plan)]}


async def posted_form(request: Request, ctx: Context) -> tuple[dict[str, str], dict[str, bytes]]:
    """The submitted form's text fields and uploaded files (read, then closed), refused (403) unless it
    carries this launch's CSRF token."""
    undecodable = _undecodable_field(request.headers.get("content-type", ""), await request.body())
    if undecodable is not None:  # starlette would read it as U+FFFD or Latin-1 and carry on with mangled text
        raise InputError(f"the form's field {undecodable!r} is not UTF-8 text: retype it and submit the form again",
                         field=undecodable)
    async with request.form() as form:  # reads the body read above, kept by the request
        token = form.get("csrf")
        if not csrf_ok(ctx.secret, token if isinstance(token, str) else None):
            raise HTTPException(403, "this form has expired or did not come from this app: reload the page and "
                                     "submit it again")
        texts = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        files = {key: await value.read() for key, value in form.multi_items()
                 if isinstance(value, UploadFile) and value.filename}
    return texts, files


def _undecodable_field(content_type: str, body: bytes) -> str | None:
    """The name of the first text field of a form body whose value is not UTF-8, or None (an uploaded file
    is checked where its text is read)."""
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "multipart/form-data":
        import email.parser
        import email.policy

        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"content-type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        parts = [(str(part.get_param("name", "", header="content-disposition")), payload)
                 for part in message.iter_parts()
                 if part.get_filename() is None and isinstance(payload := part.get_payload(decode=True), bytes)]
    else:  # application/x-www-form-urlencoded
        pairs = (chunk.partition(b"=") for chunk in body.split(b"&"))
        parts = [(unquote_plus(name.decode("latin-1"), errors="replace"),
                  unquote_to_bytes(value.replace(b"+", b" "))) for name, _, value in pairs]
    for name, value in parts:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            return name
    return None


@router.get("/", response_class=HTMLResponse)
def patient_list(request: Request, ctx: ContextDep, q: str = "") -> Response:
    return ctx.page(request, "patients.html", patients=ctx.store.patients(q.strip()), q=q)


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient(request: Request, ctx: ContextDep) -> Response:
    return ctx.page(request, "plan_form.html", values=forms.defaults(ctx.default_zone), patient=None,
                    sections=forms.SECTIONS, error=None, preview=None, file_texts={}, fingerprint=None,
                    unseen=False, replan=None)


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(request: Request, ctx: ContextDep, patient_id: RowNumber) -> Response:
    patient = ctx.store.patient(patient_id)
    saved = ctx.store.plans_of(patient_id)
    latest = plans.load(ctx, saved[0].plan_id)[1] if saved else None
    return ctx.page(request, "patient.html", patient=patient, plans=saved, latest=latest)


@router.get("/patients/{patient_id}/plans/new", response_class=HTMLResponse)
def new_plan(request: Request, ctx: ContextDep, patient_id: RowNumber) -> Response:
    patient = ctx.store.patient(patient_id)
    saved = ctx.store.plans_of(patient_id)
    values = forms.defaults(ctx.default_zone)
    if saved:
        values |= forms.from_plan(plans.load(ctx, saved[0].plan_id)[1])
    values["label"] = patient.label
    return ctx.page(request, "plan_form.html", values=values, patient=patient, sections=forms.SECTIONS,
                    error=None, preview=None, file_texts={}, fingerprint=None,
                    unseen=False, replan=None)


@router.post("/plans", response_class=HTMLResponse)
async def submit_plan(request: Request, ctx: ContextDep) -> Response:
    """Preview (the default) or save the plan the form describes."""
    values, files = await posted_form(request, ctx)
    patient = ctx.store.patient(row_number(values["patient_id"])) if values.get("patient_id") else None
    return _plan_form_post(request, ctx, values, files, patient, None)


class Replanning(Record):
    """The saved plan a re-plan form re-plans, and the revision the clinician saw."""

    plan_id: str
    based_on: int


@router.get("/plans/{plan_id}/replan", response_class=HTMLResponse)
def replan_form(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    """The plan form filled in with the latest revision's inputs, to make it afresh as the next revision."""
    row, plan = plans.load(ctx, plan_id)
    values = forms.defaults(ctx.default_zone) | forms.replan_values(plan)
    file_texts = {"protocol_file_text": values.pop("protocol_file_text", "")}
    patient = ctx.store.patient(ctx.store.plan(plan_id).patient_id)
    return ctx.page(request, "plan_form.html", values=values, patient=patient, sections=forms.REPLAN_SECTIONS,
                    error=None, preview=None, file_texts=file_texts, fingerprint=None, unseen=False,
                    replan=Replanning(plan_id, row.revision))


@router.post("/plans/{plan_id}/replan", response_class=HTMLResponse)
async def submit_replan(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    """Preview or save the re-plan the form describes, as the next revision of the one the form was filled
    from (409, with the form kept, if another was saved meanwhile)."""
    values, files = await posted_form(request, ctx)
    based_on = row_number(values.get("based_on", ""))
    patient = ctx.store.patient(ctx.store.plan(plan_id).patient_id)
    return _plan_form_post(request, ctx, values, files, patient, Replanning(plan_id, based_on))


def _plan_form_post(request: Request, ctx: Context, values: dict[str, str], files: dict[str, bytes],
                    patient: PatientRow | None, replan: Replanning | None) -> Response:
    """Preview (the default) or save a new plan, or a re-plan of a saved one. Only a previewed plan is saved:
    a save whose inputs differ from the preview on screen shows the new preview instead, so a clinician
    never saves a plan they have not seen."""
    error = preview = fingerprint = None
    unseen = False
    status = 200
    file_texts = {text_field: values.get(text_field, "") for text_field in forms.FILE_FIELDS.values()}
    try:
        for name, text_field in forms.FILE_FIELDS.items():
            if name in files:
                try:
                    file_texts[text_field] = files[name].decode("utf-8")
                except UnicodeDecodeError:
                    raise InputError("the file is not UTF-8 text", field=name) from None
        raw = forms.raw_request(values, file_texts)
        fingerprint = forms.fingerprint(ctx.secret, raw, patient.id if patient else None)
        if values.get("action") == "save":
            if hmac.compare_digest(values.get("previewed", ""), fingerprint):
                if replan is not None:
                    _, new = plans.replan(ctx, replan.plan_id, replan.based_on, raw)
                    return RedirectResponse(plan_url(replan.plan_id, new.revision), status_code=303)
                saved = plans.save_new(ctx, raw, patient_id=patient.id if patient else None)
                return RedirectResponse(plan_url(saved.plan.plan_id), status_code=303)
            unseen = True
        made = (plans.preview_replan(ctx, replan.plan_id, replan.based_on, raw)[1] if replan is not None
                else plans.preview(ctx, raw, patient_label=patient.label if patient else None))
        preview = shown(made)
    except (InputError, RefusedError) as failure:
        error, status = forms.error_for(failure), 422
    except ConflictError as failure:
        if replan is None:
            error, status = forms.FormError("plan_id", str(failure)), 422
        else:  # someone saved a revision meanwhile: preview against it, then save
            assert failure.latest is not None
            error, status = forms.FormError(None, str(failure)), 409
            replan = Replanning(replan.plan_id, failure.latest)
    return ctx.page(request, "plan_form.html", status_code=status, values=values,
                    patient=patient, sections=forms.SECTIONS if replan is None else forms.REPLAN_SECTIONS,
                    error=error, preview=preview, file_texts=file_texts, fingerprint=fingerprint, unseen=unseen,
                    replan=replan)


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def latest_revision(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    return _revision_page(request, ctx, plan_id, None)


@router.get("/plans/{plan_id}/revisions/{revision}", response_class=HTMLResponse)
def revision_page(request: Request, ctx: ContextDep, plan_id: str, revision: RowNumber) -> Response:
    return _revision_page(request, ctx, plan_id, revision)


def _revision_page(request: Request, ctx: Context, plan_id: str, revision: int | None) -> Response:
    row, plan = plans.load(ctx, plan_id, revision)
    saved = ctx.store.plan(plan_id)
    changed = (render_diff_text(plans.changes_to(ctx, plan_id, plan.supersedes, plan))
               if plan.supersedes is not None else None)
    return ctx.page(request, "plan.html", row=row, saved=saved, patient=ctx.store.patient(saved.patient_id),
                    formats=download_formats(), view=shown(plan), changed=changed)


@router.get("/plans/{plan_id}/revisions/{revision}/files/{fmt}")
def download(ctx: ContextDep, plan_id: str, revision: RowNumber, fmt: str) -> Response:
    _, plan = plans.load(ctx, plan_id, revision)
    offered = {name: extension for name, _, extension in download_formats()}
    if fmt not in offered:
        raise InputError(f"no download format {fmt!r}; choose one of: {', '.join(offered)}", field="format")
    rendered = render_plan(plan, fmt)
    name = download_name(plan.patient.label, plan.plan_id, plan.revision, fmt, rendered.extension)
    return Response(rendered.content, media_type=rendered.media_type,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/plans/{plan_id}/history", response_class=HTMLResponse)
def history(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    saved = ctx.store.plan(plan_id)
    rows = ctx.store.revisions(plan_id)
    loaded = {row.revision: read_plan(row.plan_json) for row in rows}
    entries = [{"revision": row.revision, "change": row.change, "reason": row.reason, "saved_at": row.saved_at,
                "diff": render_diff_text(diff_plans(loaded[plan.supersedes], plan))
                if (plan := loaded[row.revision]).supersedes in loaded else None} for row in rows]
    return ctx.page(request, "history.html", saved=saved, patient=ctx.store.patient(saved.patient_id),
                    revisions=list(reversed(entries)))


@router.get("/plans/{plan_id}/adjust", response_class=HTMLResponse)
def adjust_form(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    row, plan = plans.load(ctx, plan_id)
    return _adjust_page(request, ctx, plan, {"kind": "hold"}, error=None, based_on=row.revision)


@router.post("/plans/{plan_id}/adjust", response_class=HTMLResponse)
async def adjust(request: Request, ctx: ContextDep, plan_id: str) -> Response:
    """Save the adjustment as the next revision, or show the form again with what the clinician typed: beside
    the field at fault, or, when someone saved a revision meanwhile (409), with what they changed."""
    values, _ = await posted_form(request, ctx)
    based_on = row_number(values.get("based_on", ""))
    try:
        _, new = plans.adjust(ctx, plan_id, based_on, forms.adjust_raw(values))
    except (InputError, RefusedError) as failure:
        _, plan = plans.load(ctx, plan_id, based_on or None)
        return _adjust_page(request, ctx, plan, values, error=forms.adjust_error_for(failure, values.get("kind", "")),
                            based_on=plan.revision, status_code=422)
    except ConflictError as conflict:
        assert conflict.latest is not None
        latest_row, latest = plans.load(ctx, plan_id)
        meanwhile = render_diff_text(plans.changes_to(ctx, plan_id, based_on, latest))
        return _adjust_page(request, ctx, latest, values, error=None, based_on=latest_row.revision,
                            status_code=409, conflict=str(conflict), meanwhile=meanwhile)
    return RedirectResponse(plan_url(plan_id, new.revision), status_code=303)


def _adjust_page(request: Request, ctx: Context, plan: Plan, values: dict[str, str], *, error: forms.FormError | None,
                 based_on: int, status_code: int = 200, conflict: str | None = None,
                 meanwhile: str | None = None) -> Response:
    saved = ctx.store.plan(plan.plan_id)
    return ctx.page(request, "adjust.html", status_code=status_code, plan=plan, saved=saved,
                    patient=ctx.store.patient(saved.patient_id), values=values, error=error, based_on=based_on,
                    kinds=forms.ADJUST_KINDS, fields=forms.ADJUST_FIELDS, conflict=conflict, meanwhile=meanwhile,
                    chart=dose_chart(plan))
