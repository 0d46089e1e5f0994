"""Every query a dashboard makes of a data provider, as plain data: two indexes of the same
logdir (SQLite or PostgreSQL, local folder or object store) must give equal answers."""

from __future__ import annotations

import numpy as np

from ridgeline.data.local_provider import LocalDataProvider


def answers(provider: LocalDataProvider) -> dict[str, object]:
    """Every query a dashboard makes, as plain data."""
    out: dict[str, object] = {
        "runs": [(r.name, r.tags) for r in provider.list_runs()],
        "plugins": provider.list_plugins(),
        "scalars": sorted(
            (t.run, t.tag, t.count, t.first_step, t.last_step) for t in provider.list_scalars()
        ),
    }
    for t in provider.list_scalars():
        pts = provider.read_scalars(t.run, t.tag)
        assert pts is not None
        out[f"s:{t.run}:{t.tag}"] = (
            pts.steps.tolist(),
            pts.wall_times.tolist(),
            np.nan_to_num(pts.values).tolist(),
        )
        small = provider.read_scalars(t.run, t.tag, 50)
        assert small is not None
        out[f"d:{t.run}:{t.tag}"] = small.steps.tolist()
    for plugin in provider.list_plugins():
        for pt in provider.list_tags(plugin):
            values = provider.read_values(pt.run, pt.tag) or []
            out[f"v:{plugin}:{pt.run}:{pt.tag}"] = [(v.step, v.value.SerializeToString()) for v in values]
    return out
