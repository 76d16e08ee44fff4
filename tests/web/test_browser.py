"""A clinician's visit in a real browser: Debian's chromium driven by Playwright against `titrate serve`.

No browser is downloaded: Playwright launches /usr/bin/chromium (apt-get install chromium). The pages
run no script, so this checks what a person sees: the form, the preview's chart, the warning, the saved
plan, a calendar download that parses to the plan's days, a step-back and its diff. The last screenshot
is kept under pytest's temporary folder as an artifact.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from ics_reading import parse
from playwright.sync_api import expect, sync_playwright
from server import served

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(tmp_path):
    assert CHROMIUM.exists() or shutil.which("chromium"), "install Debian's chromium: apt-get install -y chromium"
    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        yield page, problems
        context.close()


def test_a_clinician_plans_previews_saves_downloads_and_steps_back(tmp_path, browser_page):
    page, problems = browser_page
    with served(tmp_path / "titrate.db") as server:
        page.goto(server.url)
        assert page.url == server.base + "/"  # the token is gone from the address bar
        page.get_by_role("link", name="New patient").first.click()
        page.fill("#in-label", "Jane Doe")
        page.fill("#in-time_zone", "Europe/London")
        page.fill("#in-start", "2026-12-01")
        page.fill("#in-conditions", "multiple sclerosis")
        page.fill("#in-medications", "Avonex\nvitamin D")
        page.get_by_role("button", name="Preview").first.click()

        expect(page.locator("svg.chart")).to_be_visible()
        box = page.locator("svg.chart").bounding_box()
        assert box["width"] > 300 and box["height"] > 80
        expect(page.locator(".finding.warning").filter(has_text="interferon")).to_be_visible()
        expect(page.locator("table.levels")).to_contain_text("4.5 mg")

        page.get_by_role("button", name="Save plan").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Jane Doe")
        plan_id = page.url.rsplit("/", 1)[1]
        expect(page.locator("svg.chart")).to_be_visible()

        with page.expect_download() as caught:
            page.locator("a.download", has_text="ics").click()
        download = caught.value
        assert download.suggested_filename == f"jane-doe_{plan_id}_r1.ics"
        saved_ics = tmp_path / download.suggested_filename
        download.save_as(saved_ics)

        plan = json.loads(page.request.get(f"{server.base}/api/v1/plans/{plan_id}/revisions/1").text())
        calendar = parse(saved_ics.read_text(encoding="utf-8"))
        doses = sorted(e.dtstart.date().isoformat() for e in calendar.events if isinstance(e.dtstart, datetime))
        assert doses == [day["date"] for day in plan["days"]]

        page.get_by_role("link", name="Adjust").click()
        page.get_by_role("radio", name="Step back").check()
        page.fill("#in-from", "2026-12-20")
        page.fill("#in-days", "14")
        page.fill("#in-reason", "flare of fatigue after the step to 3 mg")
        page.get_by_role("button", name="Save as revision 2").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("revision 2")
        changed = page.locator("section.changed")
        expect(changed).to_be_visible()
        expect(changed).to_contain_text("flare of fatigue after the step to 3 mg")
        expect(changed).to_contain_text("2026-12-20 to 2026-12-28 (9 days): 3 mg at 22:00 -> 1.5 mg at 22:00")

        page.get_by_role("link", name="History").click()
        expect(page.locator(".history")).to_contain_text("Revision 1")
        expect(page.locator(".history pre.diff")).to_contain_text("-> 1.5 mg")
        page.goto(f"{server.base}/plans/{plan_id}")
        screenshot = tmp_path / "artifacts" / "adjusted-plan.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.read_bytes().startswith(b"\x89PNG")
    assert problems == []  # no script error and no Content-Security-Policy violation


def test_a_clinician_re_plans_a_saved_plan_with_a_later_start_for_three_months(tmp_path, browser_page):
    """The re-plan form comes filled in; the until field takes +3m, which a date picker could not."""
    page, problems = browser_page
    with served(tmp_path / "titrate.db") as server:
        page.goto(server.url)
        page.get_by_role("link", name="New patient").first.click()
        page.fill("#in-label", "Jane Doe")
        page.fill("#in-time_zone", "Europe/London")
        page.fill("#in-start", "2026-12-01")
        page.get_by_role("button", name="Preview").first.click()
        page.get_by_role("button", name="Save plan").click()
        plan_id = page.url.rsplit("/", 1)[1]

        page.get_by_role("link", name="Re-plan").click()
        expect(page.locator("#in-start")).to_have_value("2026-12-01")
        expect(page.locator("#in-time_zone")).to_have_value("Europe/London")
        page.fill("#in-start", "2027-01-04")
        page.fill("#in-until", "+3m")
        page.get_by_role("button", name="Preview").first.click()
        page.get_by_role("button", name="Save as revision 2").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("revision 2")
        changed = page.locator("section.changed")
        expect(changed).to_contain_text("2026-12-01 to 2026-12-14 (14 days): removed (was 1.5 mg at 22:00)")
        plan = json.loads(page.request.get(f"{server.base}/api/v1/plans/{plan_id}/revisions/2").text())
        assert (plan["revision"], plan["supersedes"], plan["days"][0]["date"]) == (2, 1, "2027-01-04")
        assert plan["days"][-1]["date"] == "2027-04-03"  # 2027-01-04 + 3 calendar months, exclusive
    assert problems == []
