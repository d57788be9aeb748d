"""app_vetiver.py with prediction logging on (to a temporary folder): the cost of logging."""

from __future__ import annotations

import sys
import tempfile

from model import fitted_model

import vetiver
from vetiver.defaults.runtimes import serve_uvicorn

model, X = fitted_model()
log_dir = tempfile.mkdtemp(prefix="vetiver-bench-log-")
api = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), check_prototype=True, access_log=False,
                         log_predictions=log_dir)  # fmt: skip
port, http, loop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
serve_uvicorn(api.app, host="127.0.0.1", port=port, workers=1, log_level="warning", http=http, loop=loop)
