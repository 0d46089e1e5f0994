"""Images, serve side: tags, steps, one step's images (sizes, count) and each image's bytes.

Image bytes are read from the event file at request time (never copied into the index) and
served with their sniffed MIME type, so the browser loads only the images on screen.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.errors import BadData, NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Index, Run, Tag
from ridgeline.plugins.images.metadata import PLUGIN_NAME
from ridgeline.plugins.images.reader import mime_type, read_images
from ridgeline.server.schemas import Num, RunError


class ImageSize(BaseModel):
    width: int
    height: int
    samples: int


class CardRun(BaseModel):
    step: list[int]
    wall_time: list[Num]
    last: ImageSize | None


class CardBody(BaseModel):
    runs: dict[str, CardRun]
    errors: list[RunError]


class ImageStepBody(ImageSize):
    step: int
    wall_time: Num


IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/bmp", "application/octet-stream")


class ImagesPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/card", response_model=CardBody)
        def card(
            tag: Tag, run: Annotated[list[str], Query(description="runs (repeat the parameter)")]
        ) -> dict[str, Any]:
            """Everything a card needs at first paint, in one request: per run, its steps and
            the newest step's image size and count. Runs without the tag are left out."""
            out: dict[str, Any] = {}
            errors: list[dict[str, Any]] = []
            for name in run:
                found = provider.list_steps(name, tag)
                if not found:
                    continue
                last = provider.read_values(name, tag, [-1]) or []
                try:
                    images = common.decode(read_images, last[0], name, tag) if last else None
                except (BadData, NotFound) as exc:
                    errors.append({"run": name, "detail": str(exc)})
                    images = None
                out[name] = {
                    "step": [s.step for s in found],
                    "wall_time": [s.wall_time for s in found],
                    "last": None
                    if images is None
                    else {"width": images.width, "height": images.height, "samples": len(images.blobs)},
                }
            return {"runs": out, "errors": errors}

        @r.get("/step", response_model=ImageStepBody)
        def step(run: Run, tag: Tag, index: Index = -1) -> dict[str, Any]:
            """One logged set: its step, time, image size and how many images it holds."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            images = common.decode(read_images, value, run, tag)
            return {
                "step": value.step,
                "wall_time": value.wall_time,
                "width": images.width,
                "height": images.height,
                "samples": len(images.blobs),
            }

        @r.get(
            "/image",
            response_class=Response,
            responses={
                200: {"content": {t: {} for t in IMAGE_TYPES}, "description": "The image"},
                304: {"description": "Not modified (If-None-Match)"},
            },
        )
        def image(
            run: Run,
            tag: Tag,
            index: Index = -1,
            sample: int = 0,
            if_none_match: Annotated[str | None, Header()] = None,
        ) -> Response:
            """The bytes of one image (PNG, JPEG, GIF or BMP), with its MIME type.

            The same URL names another image after a run is re-written, so the browser
            revalidates each time (ETag: a hash of the bytes; unchanged -> 304, no body)."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            blobs = common.decode(read_images, value, run, tag).blobs
            if not 0 <= sample < len(blobs):
                raise NotFound(f"step {value.step} of {tag!r} has {len(blobs)} images; no sample {sample}")
            return common.blob_response(blobs[sample], mime_type(blobs[sample]), if_none_match)

        return r


PLUGIN = ImagesPlugin()
