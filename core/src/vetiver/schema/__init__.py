"""The model's input schema: prototype columns (:mod:`~vetiver.schema.types`), their JSON Schema
form, pydantic interop (:mod:`~vetiver.schema.pydantic_fields`), inference from data
(:mod:`~vetiver.schema.infer`), and vectorized validation and conversion of request data
(:mod:`~vetiver.schema.validate`, :mod:`~vetiver.schema.convert`, :mod:`~vetiver.schema.records`).

Layers, bottom up (each imports only those before it): ``kinds`` -> ``column_input`` ->
``convert`` -> ``validate`` -> ``records``; ``pydantic_fields``; ``types`` -> ``infer``.
"""
