"""Serving a model over HTTP: the ASGI API (:mod:`~vetiver.serving.api`), request body decoding
(:mod:`~vetiver.serving.bodies`, :mod:`~vetiver.serving.fast_frames`), response encoding
(:mod:`~vetiver.serving.encoding`), the OpenAPI document (:mod:`~vetiver.serving.openapi`),
middleware (:mod:`~vetiver.serving.middleware`), the offline docs page
(:mod:`~vetiver.serving.docs_page`), the app factory for servers and workers
(:mod:`~vetiver.serving.app_factory`) and the ``predict`` client (:mod:`~vetiver.serving.client`).
"""
