"""Images, serve side: tags, steps, one step's images (sizes, count) and each image's bytes.

Image bytes are read from the event file at request time (never copied into the index) and
served with their sniffed MIME type, so the browser loads only the images on screen.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Index, Run, Tag
from ridgeline.plugins.images.metadata import PLUGIN_NAME
from ridgeline.plugins.images.reader import mime_type, read_images


class ImagesPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/card")
        def card(
            tag: Tag, run: Annotated[list[str], Query(description="runs (repeat the parameter)")]
        ) -> dict[str, Any]:
            """Everything a card needs at first paint, in one request: per run, its steps and
            the newest step's image size and count. Runs without the tag are left out."""
            out: dict[str, Any] = {}
            for name in run:
                found = provider.list_steps(name, tag)
                if not found:
                    continue
                last = provider.read_values(name, tag, [-1]) or []
                images = read_images(last[0].value) if last else None
                out[name] = {
                    "step": [s.step for s in found],
                    "wall_time": [s.wall_time for s in found],
                    "last": None
                    if images is None
                    else {"width": images.width, "height": images.height, "samples": len(images.blobs)},
                }
            return {"runs": out}

        @r.get("/step")
        def step(run: Run, tag: Tag, index: Index = -1) -> dict[str, Any]:
            """One logged set: its step, time, image size and how many images it holds."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            images = read_images(value.value)
            return {
                "step": value.step,
                "wall_time": value.wall_time,
                "width": images.width,
                "height": images.height,
                "samples": len(images.blobs),
            }

        @r.get("/image", response_class=Response)
        def image(run: Run, tag: Tag, index: Index = -1, sample: int = 0) -> Response:
            """The bytes of one image (PNG, JPEG, GIF or BMP), with its MIME type."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            blobs = read_images(value.value).blobs
            if not 0 <= sample < len(blobs):
                raise NotFound(f"step {value.step} of {tag!r} has {len(blobs)} images; no sample {sample}")
            return Response(
                blobs[sample],
                media_type=mime_type(blobs[sample]),
                headers={"Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff"},
            )

        return r


PLUGIN = ImagesPlugin()
