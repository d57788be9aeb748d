"""The baseline: a bare starlette handler calling model.predict, with no validation."""

from __future__ import annotations

import sys

import pandas as pd
import pyarrow as pa
import uvicorn
from model import fitted_model
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

model, _ = fitted_model()


async def predict(request: Request) -> JSONResponse:
    if request.headers.get("content-type") == "application/vnd.apache.arrow.stream":
        frame = pa.ipc.open_stream(await request.body()).read_all().to_pandas()
    else:
        frame = pd.DataFrame(await request.json())
    return JSONResponse({"predict": model.predict(frame).tolist()})


app = Starlette(routes=[Route("/predict", predict, methods=["POST"])])
port, http, loop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning", http=http, loop=loop)
