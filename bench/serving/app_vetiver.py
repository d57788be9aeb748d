"""vetiver-core: VetiverAPI with prototype checking on, one uvicorn worker, on 127.0.0.1."""

from __future__ import annotations

import sys

from model import fitted_model

import vetiver
from vetiver.defaults.runtimes import serve_uvicorn

model, X = fitted_model()
api = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), check_prototype=True, access_log=False)
port, http, loop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
serve_uvicorn(api.app, host="127.0.0.1", port=port, workers=1, log_level="warning", http=http, loop=loop)
