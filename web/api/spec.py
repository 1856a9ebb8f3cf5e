"""The OpenAPI 3.1 document, generated from the code: each operation is declared once, with
pydantic models for its query, body and answer; the same models parse the requests. Pydantic
writes JSON Schema 2020-12, which is OpenAPI 3.1's schema dialect, so no translation is needed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from web.api.problems import ApiProblem

M = TypeVar("M", bound=BaseModel)
REF = "#/components/schemas/{model}"
PATH_SCHEMAS: dict[str, dict[str, Any]] = {  # Flask's converters
    "uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer", "minimum": 0},
}
ERRORS = {
    400: "Malformed request (query, JSON body or header)", 401: "No valid token",
    403: "Not allowed for this member or token scope", 404: "Not found",
    409: "Someone else changed it first (version in the body)",
    412: "If-Match does not match the current version", 415: "The body must be JSON",
    422: "Invalid fields (one message per field); nothing was recorded",
    429: "Rate limit of this token exceeded",
    503: "This server cannot record anything just now (its clock is behind the history)",
}


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    response: type[BaseModel]
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = (400, 401, 403, 429)
    if_match: bool = False
    tag: str = ""
    public: bool = False
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)


class Registry:
    """The API's operations, in the order they were declared."""

    def __init__(self, bp: Blueprint) -> None:
        self.bp = bp
        self.operations: list[Operation] = []

    def route(self, rule: str, method: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            op = Operation(rule, method, (view.__doc__ or "").strip().split("\n")[0], **options)
            op.path_params = {name: PATH_SCHEMAS.get(kind, {"type": "string"})
                              for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule)}
            self.operations.append(op)
            self.bp.add_url_rule(rule, view.__name__, view, methods=[method])
            return view

        return register

    def document(self, prefix: str, *, title: str, version: str) -> dict[str, Any]:
        models = {m for op in self.operations for m in (op.response, op.body) if m}
        models.add(Problem)
        _, defs = models_json_schema(
            [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
            ref_template=REF,
        )
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            path = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.rule)
            paths.setdefault(path, {})[op.method.lower()] = _operation(op)
        return {
            "openapi": "3.1.0",
            "info": {"title": title, "version": version,
                     "description": "The CX action-plan tracker's REST API. Every request but "
                     "this document needs a personal access token: `Authorization: Bearer TOKEN`."},
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "paths": paths,
            "components": {
                "schemas": defs.get("$defs", {}),
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                               "description": "a personal access token"}},
            },
        }


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, str] | None = None


def _operation(op: Operation) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in op.path_params.items()
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, declared in schema["properties"].items():
            prop = {k: v for k, v in declared.items() if k != "title"}
            description = prop.pop("description", None)
            parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    if op.if_match:
        parameters.append({
            "name": "If-Match", "in": "header", "required": False,
            "description": "the ETag (version) you read; refused with 412 when it moved on",
            "schema": {"type": "string", "pattern": r'^(W/)?"\d+"$'},
        })
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
    responses: dict[str, Any] = {
        str(op.status): {"description": "OK" if op.status == 200 else "Created",
                         "content": {"application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}},
    }
    errors = () if op.public else op.errors
    for status in sorted({*errors, *((415, 422) if op.body else ())}):
        responses[str(status)] = {"description": ERRORS[status], "content": problem}
    found: dict[str, Any] = {
        "summary": op.summary, "operationId": op.rule.strip("/").replace("/", "_")
        .replace("<", "").replace(">", "").replace(":", "_") + "_" + op.method.lower(),
        "tags": [op.tag] if op.tag else [], "parameters": parameters, "responses": responses,
    }
    if op.public:
        found["security"] = []
    if op.body is not None:
        found["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    return found


def _field_errors(e: ValidationError) -> dict[str, str]:
    return {".".join(str(p) for p in err["loc"]) or "body": err["msg"] for err in e.errors()}


def parse_query(model: type[M]) -> M:
    """The query string as `model` (a repeated or unknown parameter is ignored), or 400."""
    try:
        return model.model_validate({k: request.args[k] for k in request.args})
    except ValidationError as e:
        raise ApiProblem(400, "Bad query parameters.", errors=_field_errors(e)) from None


def parse_body(model: type[M]) -> M:
    """The JSON body as `model`, or 415 (not JSON) / 400 (malformed) / 422 (bad fields)."""
    if not request.is_json:
        raise ApiProblem(415, "Send the body as JSON (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The body is not valid JSON.")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ApiProblem(422, "Some fields are invalid; nothing was recorded.",
                         errors=_field_errors(e)) from None
