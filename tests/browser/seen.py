"""What a person sees, as checks a test can make in a Playwright page.

* ``dashboards(page)`` / ``open_dashboard(page, id)``: the header's tabs, those under "more" too.
* ``layout_problems(page)``: card titles wide enough to read, no two controls on top of each
  other, header tabs inside the window, distinct tick labels on every axis, no text cut off
  without an ellipsis and a hover title, no sideways scrolling of the page.
* ``axe_violations(page)``: axe-core's serious and critical accessibility violations.
* ``match_baseline(image, name)``: a screenshot against its committed baseline, by SSIM per tile.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BASELINES = Path(__file__).resolve().parent / "baselines"

# The demo logdir's dashboards, in the header's order (`ridgeline demo` logs every kind).
DEMO_DASHBOARDS = [
    "Scalars",
    "Time series",
    "Custom scalars",
    "Images",
    "Graphs",
    "Audio",
    "Histograms",
    "Distributions",
    "Text",
    "PR curves",
    "HParams",
    "Mesh",
    "Projector",
]


def dashboards(page: Any) -> list[tuple[str, str]]:
    """Every dashboard the header offers, in order: ``(id, label)``; the ones behind "more"
    are read from its menu (opened, then closed)."""
    tabs = page.locator("header nav a.tab")
    out = [(tabs.nth(i).get_attribute("data-dash"), tabs.nth(i).inner_text()) for i in range(tabs.count())]
    more = page.locator("header .nav-more .menu-button")
    if more.count():
        more.click()
        items = page.locator("header .nav-more a.more-dash")
        items.first.wait_for()
        out += [
            (items.nth(i).get_attribute("data-dash"), items.nth(i).inner_text()) for i in range(items.count())
        ]
        page.keyboard.press("Escape")
        items.first.wait_for(state="detached")
    return out


def open_dashboard(page: Any, dash: str) -> None:
    """Click the dashboard's tab, or its entry under "more" — as a person would."""
    tab = page.locator(f"header nav a.tab[data-dash='{dash}']")
    if tab.count():
        tab.click()
    else:
        page.locator("header .nav-more .menu-button").click()
        page.locator(f"header .nav-more a.more-dash[data-dash='{dash}']").click()
    page.wait_for_selector(f"header nav a.tab.active[data-dash='{dash}']")


def wait_ready(page: Any, timeout: float = 30_000) -> None:
    """Until the page stops fetching, nothing in view says "loading" and nothing is busy (a
    graph being laid out)."""
    page.wait_for_load_state("networkidle", timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[aria-busy="true"]') && ![...document.querySelectorAll('.loading')].some((el) => {
             const r = el.getBoundingClientRect();
             return r.width > 0 && r.bottom > 0 && r.top < innerHeight;
           })""",
        timeout=timeout,
    )
    page.wait_for_timeout(250)  # the last chart's draw after its data


_LAYOUT_JS = """
() => {
  const problems = [];
  const shown = (el) => el.getClientRects().length > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const name = (el) => {
    const t = (el.getAttribute('title') || el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${t}"`;
  };
  // The part of an element's box that is not clipped away by a scrolling or clipping ancestor.
  const visibleRect = (el) => {
    let r = el.getBoundingClientRect();
    let { left, top, right, bottom } = r;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const b = a.getBoundingClientRect();
        left = Math.max(left, b.left); top = Math.max(top, b.top);
        right = Math.min(right, b.right); bottom = Math.min(bottom, b.bottom);
      }
    }
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  const canvas = document.createElement('canvas').getContext('2d');
  const textWidth = (el) => { canvas.font = getComputedStyle(el).font; return canvas.measureText(el.textContent || '').width; };

  // 1. Card titles: readable, at least min(80 px, the text) wide, inside their card.
  for (const t of document.querySelectorAll('.card-title')) {
    if (!shown(t)) continue;
    const r = t.getBoundingClientRect();
    const need = Math.min(80, textWidth(t));
    if (r.width + 0.5 < need) problems.push(`card title ${name(t)} is ${r.width.toFixed(0)} px wide (needs ${need.toFixed(0)})`);
    const card = t.closest('.card');
    if (card && r.right > card.getBoundingClientRect().right + 0.5) problems.push(`card title ${name(t)} runs past its card`);
  }

  // 2. No two interactive controls on top of each other.
  const controls = [...document.querySelectorAll('button, a[href], input, select, textarea, [role=menuitem], [role=menuitemradio], summary')]
    .filter((el) => shown(el) && !el.closest('.nav-measure'))
    .map((el) => ({ el, r: visibleRect(el) }))
    .filter((c) => c.r.width > 1 && c.r.height > 1);
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) problems.push(`controls overlap: ${name(a.el)} and ${name(b.el)} (${w.toFixed(0)}x${h.toFixed(0)} px)`);
    }
  }

  // 3. Header tabs inside the window (the rest behind a visible "more").
  for (const a of document.querySelectorAll('header nav a')) {
    const r = a.getBoundingClientRect();
    const clip = a.closest('nav').getBoundingClientRect();
    if (r.left < 0 || r.right > innerWidth + 0.5 || r.right > clip.right + 0.5 || r.width < 1) problems.push(`header tab ${name(a)} is outside the window (${r.left.toFixed(0)}..${r.right.toFixed(0)} of ${innerWidth})`);
  }
  const more = document.querySelector('header .nav-more .menu-button');
  if (more) {
    const r = more.getBoundingClientRect();
    if (!shown(more) || r.right > innerWidth + 0.5) problems.push('the "more" dashboards button is not visible');
  }

  // 4. Tick labels distinct within each axis.
  for (const el of document.querySelectorAll('[data-x-ticks], [data-y-ticks]')) {
    for (const axis of ['xTicks', 'yTicks']) {
      const labels = (el.dataset[axis] || '').split('|').filter(Boolean);
      if (new Set(labels).size !== labels.length) problems.push(`repeated tick labels on ${axis[0]} axis of ${name(el.closest('.card') || el)}: ${labels.join(' ')}`);
    }
  }

  // 5. No text cut off without an ellipsis and a hover title.
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || el.closest('.nav-measure')) continue;
    const cs = getComputedStyle(el);
    if (!(cs.overflowX === 'hidden' || cs.overflowX === 'clip')) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    if (cs.textOverflow !== 'ellipsis') problems.push(`text cut off without an ellipsis: ${name(el)}`);
    else if (!el.closest('[title]')) problems.push(`text cut off with no hover title: ${name(el)}`);
  }

  // 6. The page itself never scrolls sideways.
  if (document.documentElement.scrollWidth > innerWidth + 1) problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${innerWidth} px window`);
  return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    return list(page.evaluate(_LAYOUT_JS))


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations, one line each (rule, what, where)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
             const r = await axe.run(document, { resultTypes: ['violations'] });
             return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
               .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
           }"""
    )
    return list(found)


def match_baseline(png: bytes, name: str, artifacts: Path) -> str | None:
    """Compare a screenshot with ``baselines/<name>.png``: None if they match, else why.

    The perceptual measure is SSIM (scikit-image) on the grey image, read per 48 px tile: one
    tile that changed (a title gone, a legend moved) fails, while anti-aliasing does not. With
    ``RIDGELINE_UPDATE_BASELINES=1`` the screenshot becomes the baseline (commit it on its own,
    saying why)."""
    import numpy as np
    from PIL import Image
    from skimage.metrics import structural_similarity

    (artifacts / f"{name}.png").write_bytes(png)
    base = BASELINES / f"{name}.png"
    if os.environ.get("RIDGELINE_UPDATE_BASELINES") == "1":
        BASELINES.mkdir(exist_ok=True)
        base.write_bytes(png)
        return None
    if not base.is_file():
        return f"no baseline {base.relative_to(ROOT)}: run with RIDGELINE_UPDATE_BASELINES=1, look at it, commit it"
    got = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)
    want = np.asarray(Image.open(base).convert("L"), dtype=np.float64)
    if got.shape != want.shape:
        return f"size {got.shape[::-1]} differs from the baseline's {want.shape[::-1]}"
    _, ssim = structural_similarity(got, want, data_range=255.0, full=True)
    tile = 48
    h, w = ssim.shape
    worst = (1.0, 0, 0)
    for y in range(0, h - tile + 1, tile):
        for x in range(0, w - tile + 1, tile):
            v = float(ssim[y : y + tile, x : x + tile].mean())
            worst = min(worst, (v, x, y))
    mean = float(ssim.mean())
    if mean < 0.97 or worst[0] < 0.75:
        diff = np.abs(got - want)
        Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8)).save(artifacts / f"{name}.diff.png")
        return (
            f"{name}: SSIM {mean:.3f} overall, {worst[0]:.3f} in the tile at ({worst[1]}, {worst[2]}) "
            f"(needs 0.97 and 0.75); see test-artifacts/{name}.png and {name}.diff.png"
        )
    return None
