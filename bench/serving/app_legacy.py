"""vetiver-python 0.2.6 from PyPI (run with its own virtual environment's python)."""

from __future__ import annotations

import sys

import uvicorn
from model import fitted_model

import vetiver

model, X = fitted_model()
api = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), check_prototype=True)
port, http, loop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
uvicorn.run(api.app, host="127.0.0.1", port=port, access_log=False, log_level="warning", http=http, loop=loop)
