"""The graph and projector dashboards in Chromium, on graphs and embeddings our writer logged:
open a group in place, search a node and read it in the side panel, follow an input, compare
two graphs; open the projector, read PCA's variance, colour by a metadata column, select a
point and read its neighbours, run t-SNE and UMAP to the end."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving import serve

pytestmark = pytest.mark.browser
torch = pytest.importorskip("torch")


class Block(torch.nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, channels, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(channels)

    def forward(self, x: Any) -> Any:
        return torch.relu(self.bn(self.conv(x)) + x)


class Net(torch.nn.Module):
    def __init__(self, blocks: int = 3, dropout: bool = False) -> None:
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.body = torch.nn.Sequential(*[Block(8) for _ in range(blocks)])
        self.head = torch.nn.Sequential(
            torch.nn.Flatten(), *([torch.nn.Dropout()] if dropout else []), torch.nn.Linear(8 * 8 * 8, 10)
        )

    def forward(self, x: Any) -> Any:
        return self.head(self.body(self.stem(x)))


def _query(page: Any) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def _wait_query(page: Any, key: str, value: str) -> None:
    """Wait until the URL says ``key=value`` (the view writes it after rendering)."""
    page.wait_for_function(
        "([k, v]) => new URLSearchParams(location.search).get(k) === v", arg=[key, value], timeout=10_000
    )


def _box(page: Any, name: str) -> tuple[float, float]:
    """Where the box of node or group ``name`` is on the page: once it is drawn and stays put
    (the view is fitted again while the page around the canvas settles; a click aimed at a box
    that then moves would miss it)."""
    last = None
    for _ in range(100):
        handle = page.wait_for_function(
            "n => document.querySelector('.graph-canvas').ridgelineBox(n)", arg=name, timeout=10_000
        )
        at = tuple(handle.json_value())
        if at == last:
            return at[0], at[1]
        last = at
        page.wait_for_timeout(150)
    raise AssertionError(f"{name} never stopped moving")


def _toggle(page: Any, name: str, more: bool) -> None:
    """Double-click a group open or closed; wait for the new picture, centred on it."""
    before = int(page.locator(".graph-pane").get_attribute("data-boxes"))
    x, y = _box(page, name)
    frames = int(page.locator(".graph-canvas").get_attribute("data-frames"))
    page.mouse.dblclick(x, y)
    page.wait_for_function(
        f"() => +document.querySelector('.graph-pane').dataset.boxes {'>' if more else '<'} {before}"
    )
    # (counted from before the double-click: the new picture may be drawn before this line runs)
    page.wait_for_function(f"() => +document.querySelector('.graph-canvas').dataset.frames > {frames}")
    _box(page, name)  # centred on it, and still


def test_graph_dashboard(tmp_path: Path, artifacts: Path, open_page: Any) -> None:
    from ridgeline import SummaryWriter

    logdir = tmp_path / "logs"
    model = Net()
    with SummaryWriter(str(logdir / "baseline")) as w:
        w.add_graph(model, torch.zeros(2, 3, 8, 8))
    with SummaryWriter(str(logdir / "with dropout")) as w:
        w.add_graph(Net(dropout=True), torch.zeros(2, 3, 8, 8))
    params = sum(p.numel() for p in model.parameters())
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dash=graphs&dark=0", width=1500, height=950)
        page.locator(".graph-canvas[data-frames]").wait_for(timeout=30_000)
        summary = page.locator(".graph-summary").inner_text()
        assert re.search(
            r"^\d+ nodes · \d+ groups · " + re.escape(f"{params / 1000:.1f}k parameters"), summary
        ), summary
        assert page.locator(".graph-select option").all_inner_texts() == [
            "baseline (op graph)",
            "with dropout (op graph)",
        ]

        # The scope wrapping the whole model opens at first sight; its parts start closed.
        body = "Net/Sequential[body]/"
        at = _box(page, body)
        assert (
            page.eval_on_selector(".graph-canvas", "(c, n) => c.ridgelineBox(n)", body + "Block[1]/") is None
        )
        # Picking a group shows it in the side panel and leaves the view where it was (the
        # panel is always there: the graph is not narrowed and fitted again under the pointer).
        page.mouse.click(*at)
        page.wait_for_function(
            "() => document.querySelector('.graph-side-name')?.textContent === 'Net/Sequential[body]'"
        )
        assert _box(page, body) == at
        _toggle(page, body, more=True)  # opened in place: its blocks are drawn inside it
        _box(page, body + "Block[1]/")
        _toggle(page, body, more=False)  # closed again
        _toggle(page, body, more=True)
        _toggle(page, body + "Block[1]/", more=True)
        _box(page, body + "Block[1]/Conv2d[conv]/")
        page.locator(".graph-fit").click()  # the whole graph in view again
        x, y = _box(page, body)
        page.mouse.click(x, y)
        _wait_query(page, "gnode", body)
        side = page.locator(".graph-side")
        assert side.locator(".graph-side-name").inner_text() == "Net/Sequential[body]"
        block_params = sum(p.numel() for p in model.body.parameters())
        assert side.locator(".graph-side-params").inner_text() == f"{block_params:,}"
        page.screenshot(path=str(artifacts / "graph-dashboard-group.png"))

        # Search by op; the hit opens its groups, is selected and read in the side panel.
        page.locator(".graph-search-input").fill("_convolution")
        results = page.locator(".graph-results li a")
        assert results.count() == 4  # the stem and three blocks
        results.nth(2).click()
        assert side.locator(".graph-side-op").inner_text() == "aten::_convolution"
        name = side.locator(".graph-side-name").inner_text()
        assert name.startswith(body + "Block[1]/Conv2d[conv]/")
        assert "float [2, 8, 8, 8]" in side.locator(".graph-shapes").inner_text()
        _box(page, name)
        # An input: the block's weight, a parameter with its count.
        side.locator(".graph-links a", has_text="Conv2d[conv]/weight").click()
        assert side.locator(".graph-side-op").inner_text() == "Parameter"
        assert side.locator(".graph-side-params").inner_text() == f"{8 * 8 * 3 * 3:,}"
        _wait_query(page, "gnode", body + "Block[1]/Conv2d[conv]/weight")

        page.locator(".graph-color").select_option("op")
        _wait_query(page, "gcolor", "op")
        page.screenshot(path=str(artifacts / "graph-dashboard-node.png"))

        # Two graphs side by side; what differs is counted and marked.
        page.locator(".graph-compare").select_option(label="with dropout (op graph)")
        page.wait_for_function("() => document.querySelectorAll('.graph-canvas[data-frames]').length === 2")
        assert re.search(r"· [1-9]\d* differing nodes?", page.locator(".graph-summary").inner_text())
        page.screenshot(path=str(artifacts / "graph-dashboard-compare.png"))

        # The link reopens the same view: the node selected, its groups open.
        again = open_page(page.url, width=1500, height=950)
        again.locator(".graph-side-name").wait_for(timeout=30_000)
        assert again.locator(".graph-side-name").inner_text() == body + "Block[1]/Conv2d[conv]/weight"


def _lands_on_canvas(page: Any, box: dict[str, float]) -> None:
    """A click in the middle of ``box`` (where the results list was) reaches the graph canvas."""
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 10
    bar = page.locator(".graph-pane-bar").bounding_box()
    assert y > bar["y"] + bar["height"]  # over the graph itself, below the pane's buttons
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y]) == "graph-canvas"
    page.evaluate(
        "() => { const c = document.querySelector('.graph-canvas'); window.canvasDowns = 0;"
        " if (!c.counted) { c.counted = true; c.addEventListener('mousedown', () => { window.canvasDowns += 1; }); } }"
    )
    page.mouse.click(x, y)
    assert page.evaluate("() => window.canvasDowns") == 1


def test_graph_search_results_close_after_enter_and_open_all(
    tmp_path: Path, artifacts: Path, open_page: Any
) -> None:
    from ridgeline import SummaryWriter

    logdir = tmp_path / "logs"
    with SummaryWriter(str(logdir / "baseline")) as w:
        w.add_graph(Net(), torch.zeros(2, 3, 8, 8))
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dash=graphs&dark=0", width=1280, height=900)
        page.locator(".graph-canvas[data-frames]").wait_for(timeout=30_000)
        search = page.locator(".graph-search-input")
        results = page.locator(".graph-results")

        # Enter picks the first hit and closes the list; the graph under it is clickable again.
        search.fill("_convolution")
        results.wait_for()
        box = results.bounding_box()
        assert box is not None and box["height"] > 40
        search.press("Enter")
        side = page.locator(".graph-side")
        assert side.locator(".graph-side-op").inner_text() == "aten::_convolution"
        _box(page, side.locator(".graph-side-name").inner_text())  # drawn, its group opened
        assert not results.is_visible()
        page.screenshot(path=str(artifacts / "graph-search-after-enter.png"))
        _lands_on_canvas(page, box)

        # "Open all" closes it too.
        search.fill("Block")
        results.wait_for()
        box = results.bounding_box()
        assert box is not None and box["height"] > 200
        before = int(page.locator(".graph-pane").get_attribute("data-boxes"))
        page.locator(".graph-open-all").click()
        assert not results.is_visible()
        page.wait_for_function(f"() => +document.querySelector('.graph-pane').dataset.boxes > {before}")
        page.screenshot(path=str(artifacts / "graph-search-after-open-all.png"))
        _lands_on_canvas(page, box)


def _point(page: Any, i: int) -> tuple[float, float]:
    found = page.eval_on_selector(".projector-view", "(v, i) => v.ridgelinePoint(i)", i)
    assert found is not None
    return found[0], found[1]


def test_projector_dashboard(tmp_path: Path, artifacts: Path, open_page: Any) -> None:
    from sklearn.decomposition import PCA
    from sklearn.neighbors import NearestNeighbors

    from ridgeline import SummaryWriter

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    points = (rng.normal(size=(3, 8)) * 5)[labels] + rng.normal(size=(300, 8))
    images = np.zeros((300, 3, 8, 8), dtype=np.float32)
    images[np.arange(300), labels] = 1.0
    logdir = tmp_path / "logs"
    with SummaryWriter(str(logdir / "features")) as w:
        w.add_embedding(
            points,
            metadata=[[f"class {c}", f"#{i}"] for i, c in enumerate(labels)],
            metadata_header=["class", "id"],
            label_img=images,
            tag="penultimate",
        )
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dash=projector&dark=0&psprite=0", width=1500, height=950)
        page.locator(".projector-view[data-frames]").wait_for(timeout=30_000)
        assert page.locator(".projector-status").inner_text().startswith("300 points · 8 dimensions")
        explained = PCA(3).fit(points).explained_variance_ratio_.sum() * 100
        assert page.locator(".projector-variance b").inner_text() == f"{explained:.1f}%"
        page.locator(".projector-dims").select_option("2")
        page.locator(".projector-color").select_option("class")
        assert page.locator(".projector-legend li").all_inner_texts() == ["class 0", "class 1", "class 2"]
        _wait_query(page, "pcolor", "class")

        # A point's neighbours in the original space, nearest first.
        page.wait_for_timeout(300)
        x, y = _point(page, 7)
        page.mouse.click(x, y)
        page.locator(".projector-neighbors li").first.wait_for(timeout=10_000)
        assert (
            page.locator(".projector-selected-label").inner_text().startswith(f"class {labels[7]} (point 7)")
        )
        ref = NearestNeighbors(n_neighbors=21, metric="cosine").fit(points).kneighbors(points[7:8])[1][0][1:]
        shown = page.locator(".projector-neighbors li a").all_inner_texts()
        assert shown == [f"class {labels[i]}" for i in ref]
        page.locator(".projector-contours").check()
        page.screenshot(path=str(artifacts / "projector-pca.png"))

        # Search a column, show only the matches.
        page.locator(".projector-search").fill("^class 1$")
        assert f"· {(labels == 1).sum()} matches" in page.locator(".projector-status").inner_text()
        page.locator(".projector-isolate").check()

        for method in ["tsne", "umap"]:
            page.locator(f".projector-tab[data-method={method}]").click()
            _wait_query(page, "pmethod", method)
            page.locator(".projector-run-job").click()
            page.locator(".projector-progress-text", has_text="done").wait_for(timeout=180_000)
            if method == "tsne":  # the 500 iterations asked for, not one more (it said 666)
                assert (
                    page.locator(".projector-progress-text").inner_text().endswith("· iteration 500 of 500")
                )
            page.wait_for_function("() => +document.querySelector('.projector-view')?.dataset.frames > 0")
            page.screenshot(path=str(artifacts / f"projector-{method}.png"))
        # Sprites on: the thumbnails are the points.
        page.locator(".projector-isolate").uncheck()
        page.locator(".projector-sprites").check()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "projector-sprites.png"))


def test_projector_color_by_shows_on_sprite_thumbnails(
    tmp_path: Path, artifacts: Path, open_page: Any
) -> None:
    """With "Show images" on (the default) each thumbnail is framed in its point's colour: the
    colour-by column is seen, not only in the legend. Read from the pixels on screen."""
    import io

    from PIL import Image

    from ridgeline import SummaryWriter

    grid = [(x, y) for x in range(3) for y in range(3)]
    points = np.zeros((9, 6))
    points[:, :2] = np.array(grid, dtype=float) * 10
    points[:, 2] = np.linspace(0, 1, 9)  # a little spread off the plane, so PCA has a 3rd axis
    images = np.full((9, 3, 8, 8), 0.5, dtype=np.float32)  # grey thumbnails: no colour of their own
    kinds = ["a" if (x + y) % 2 else "b" for x, y in grid]
    with SummaryWriter(str(tmp_path / "logs" / "feat")) as w:
        w.add_embedding(points, metadata=kinds, label_img=images, tag="grid")
    palette = {"a": (0x1F, 0x77, 0xB4), "b": (0xFF, 0x7F, 0x0E)}  # the legend's first two colours
    for served in serve(["--logdir", str(tmp_path / "logs")], tmp_path):
        page = open_page(served.url + "/?dash=projector&dark=0&pdims=2", width=1280, height=900)
        page.locator(".projector-view[data-frames]").wait_for(timeout=30_000)
        assert page.locator(".projector-sprites").is_checked()  # images are the default
        page.locator(".projector-color").select_option("label")
        legend = page.locator(".projector-legend li")
        assert legend.all_inner_texts() == ["a", "b"]
        frames = int(page.locator(".projector-view").get_attribute("data-frames"))
        page.wait_for_function(f"() => +document.querySelector('.projector-view').dataset.frames > {frames}")
        page.wait_for_timeout(300)
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        page.screenshot(path=str(artifacts / "projector-sprites-colored.png"))
        for i, kind in enumerate(kinds):
            x, y = _point(page, i)
            # the thumbnail's middle is its own grey; its edge (26 px wide: 11 px out) is the colour
            centre = shot.getpixel((round(x), round(y)))
            assert all(abs(c - 128) < 20 for c in centre), (i, centre)
            edge = [
                shot.getpixel((round(x + dx), round(y + dy)))
                for dx, dy in ((-11, 0), (11, 0), (0, -11), (0, 11))
            ]
            for px in edge:
                assert all(abs(a - b) < 40 for a, b in zip(px, palette[kind], strict=True)), (i, kind, edge)


def test_every_fixture_graph_and_projector_folder_is_drawn(
    fixtures_dir: Path, tmp_path: Path, artifacts: Path, open_page: Any
) -> None:
    """TF1 graph_def, TF2 trace_export, the Keras model, torch's and tensorboardX's add_graph;
    TF's checkpoint-backed projector folder and torch's TSV + sprite folders."""
    for served in serve(["--logdir", str(fixtures_dir)], tmp_path):
        page = open_page(served.url + "/?dash=graphs&dark=0", width=1500, height=950)
        page.locator(".graph-canvas[data-frames]").wait_for(timeout=30_000)
        options = page.locator(".graph-select option")
        labels = options.all_inner_texts()
        for wanted in [
            "tf/tf1_style (op graph)",
            "tf/tf_summary · traced_fn (run metadata)",
            "tf/keras_fit/train · keras (Keras model)",
            "torch/torch (op graph)",
            "torch/tensorboardx (op graph)",
        ]:
            assert wanted in labels, labels
        for i, label in enumerate(labels):
            if label.endswith("· step1 (run metadata)") or "profiler" in label:
                continue  # torch's step statistics: run metadata without a graph
            value = options.nth(i).get_attribute("value")
            page.locator(".graph-select").select_option(value)
            page.wait_for_function(
                "l => document.querySelector('.graph-pane-label')?.textContent === l",
                arg=label,
                timeout=10_000,
            )
            page.wait_for_function(
                "() => +document.querySelector('.graph-pane').dataset.boxes > 0", timeout=20_000
            )
            assert page.locator(".graph-pane .error").count() == 0, label
            if label.startswith("tf/keras_fit"):
                page.screenshot(path=str(artifacts / "graph-dashboard-keras.png"))

        page = open_page(
            served.url + "/?dash=projector&dark=0&prun=tf/projector&pdims=2&pcolor=label",
            width=1500,
            height=950,
        )
        page.locator(".projector-view[data-frames]").wait_for(timeout=30_000)
        assert page.locator(".projector-status").inner_text().startswith("100 points · 16 dimensions")
        assert page.locator(".projector-legend li").all_inner_texts() == [f"class_{i}" for i in range(5)]
        page.screenshot(path=str(artifacts / "projector-tf-checkpoint.png"))
        page.locator(".projector-run").select_option("torch/torch")
        page.wait_for_function(
            "() => document.querySelector('.projector-status').textContent.includes('dimensions')"
        )
        assert page.locator(".projector-sprites").is_checked()
