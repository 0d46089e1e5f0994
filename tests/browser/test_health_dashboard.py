"""Training health in the dashboard: a badge on the run that has findings, a panel that says
what, where and since when, and a link that opens the chart showing it."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from serving import serve

pytestmark = pytest.mark.browser
torch = pytest.importorskip("torch")


def _train(logdir: Path, poison_at: int | None, dead: bool) -> None:
    import ridgeline
    import ridgeline.torch as rtorch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    if dead:
        with torch.no_grad():
            model[0].bias.fill_(-50.0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with ridgeline.SummaryWriter(logdir) as w:
        rtorch.watch(model, w, log="all", log_freq=10)
        for step in range(60):
            x = torch.randn(32, 4)
            if poison_at is not None and step >= poison_at:
                x = x * float("nan")
            loss = torch.nn.functional.mse_loss(model(x), x.sum(dim=1, keepdim=True))
            opt.zero_grad()
            loss.backward()
            opt.step()
            w.add_scalar("train/loss", loss, step)


def test_health_badge_panel_and_chart_link(tmp_path: Path, artifacts: Path, open_page: Any) -> None:
    logdir = tmp_path / "logs"
    _train(logdir / "dead", poison_at=None, dead=True)
    _train(logdir / "diverged", poison_at=37, dead=False)
    _train(logdir / "healthy", poison_at=None, dead=False)
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dark=0", width=1300, height=800)

        def badge(run: str, page: Any = page) -> Any:
            return page.locator(".runs-grid tr.run-row", has_text=run).locator(".health-badge")

        badge("diverged").wait_for(timeout=30_000)
        assert badge("healthy").count() == 0
        assert "NaN / inf" in (badge("diverged").get_attribute("title") or "")
        assert badge("dead").get_attribute("title") == "Training health: Vanishing gradients, Dead units"
        badge("dead").click()
        panel = page.locator(".health-panel")
        panel.wait_for()
        assert "Training health of dead" in panel.inner_text()
        dead = panel.locator("li.finding-dead_units")
        assert (
            "Dead units in 1" in dead.inner_text()
            and "100% of the units after 1 are dead" in dead.inner_text()
        )
        # every unit dead: no gradient reaches the layer before them, nor the weights after
        # them (their input is all zeros); only the last bias still learns
        vanishing = panel.locator("li.finding-vanishing_gradients").all_inner_texts()
        assert {t.split(" since")[0] for t in vanishing} == {
            "Vanishing gradients in 0.weight",
            "Vanishing gradients in 0.bias",
            "Vanishing gradients in 2.weight",
        }
        page.screenshot(path=str(artifacts / "health-panel.png"))
        badge("diverged").click()
        loss = page.locator(".health-panel li.finding-nan", has_text="train/loss")
        loss.wait_for()
        assert "since step 37" in loss.inner_text() and "train/loss is NaN from step 37" in loss.inner_text()
        loss.locator("a.show-chart").click()
        page.wait_for_function("() => location.search.includes('dash=scalars')")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
        assert query["tags"] == ["^train/loss$"] and query["runs"] == ["^diverged$"]
        cards = page.locator(".card[data-tag]")
        cards.first.wait_for()
        assert [cards.nth(i).get_attribute("data-tag") for i in range(cards.count())] == ["train/loss"]
        # the line stops where the loss became NaN, and the card says so
        note = cards.first.locator(".nonfinite")
        note.wait_for()
        assert note.inner_text().strip() == "diverged: NaN from step 37 (not drawn)"
        page.screenshot(path=str(artifacts / "health-chart.png"))
