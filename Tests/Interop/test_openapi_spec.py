"""Schemas/openapi.yaml as a tool reads it: valid YAML, OpenAPI 3.1, every $ref resolving, schemas that are JSON
Schema 2020-12, operation ids unique. (The Swift contract test compares its routes with the router's line by line
and would not notice a value YAML cannot parse.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterator

import jsonschema
import yaml

SPEC = Path(__file__).resolve().parents[2] / "Schemas" / "openapi.yaml"
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(spec: dict, ref: str) -> object:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node: object = spec
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_the_spec_parses_and_every_reference_resolves() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    assert str(spec["openapi"]).startswith("3.1.")
    found = list(refs(spec))
    assert len(found) > 100
    for ref in set(found):
        resolve(spec, ref)


def test_operations_have_unique_ids_and_schemas_are_json_schema() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    operations = [op for item in spec["paths"].values() for method, op in item.items() if method in METHODS]
    assert len(operations) >= 50
    ids = Counter(op["operationId"] for op in operations)
    assert [name for name, n in ids.items() if n > 1] == []
    for op in operations:
        assert op.get("summary") and op.get("responses"), op["operationId"]
    for name, schema in spec["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise AssertionError(f"components.schemas.{name}: {error.message}") from error
