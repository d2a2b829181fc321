"""The API reference, /api/v1/docs: the OpenAPI document as a page, rendered here from
the document itself (no script, nothing fetched from elsewhere)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def docs():
    spec = current_app.extensions["polder-api"].spec.to_dict()
    sections: dict[str, list] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                tag = (operation.get("tags") or ["Other"])[0]
                sections.setdefault(tag, []).append(_operation(spec, path, method, operation))
    return render_template("api/reference.html", spec=spec, sections=sections,
                           schemas=spec.get("components", {}).get("schemas", {}))


def _resolve(spec: dict, item: dict) -> dict:
    """A `$ref` to the document's components, followed."""
    ref = item.get("$ref")
    if not ref:
        return item
    found = spec
    for part in ref.lstrip("#/").split("/"):
        found = found.get(part, {})
    return found


def _type(schema: dict) -> str:
    kind = schema.get("type", "")
    return " or ".join(kind) if isinstance(kind, list) else kind


def _operation(spec: dict, path: str, method: str, operation: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    responses = {}
    for code in sorted(operation.get("responses", {}), key=lambda c: (c == "default", c)):
        answer = _resolve(spec, operation["responses"][code])
        content = next(iter(answer.get("content", {}).values()), {})
        responses[code] = (answer.get("description", ""), _schema_name(content.get("schema")))
    parameters = [_resolve(spec, p) for p in
                  spec["paths"][path].get("parameters", []) + operation.get("parameters", [])]
    security = operation.get("security") or []
    return {"method": method.upper(), "path": path,
            "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": [{**p, "type": _type(p.get("schema", {}))} for p in parameters],
            "body": _schema_name(body.get("schema")), "responses": responses,
            "scopes": [scope for need in security for scope in need.get("bearer", [])]}


def _schema_name(schema: dict | None) -> str | None:
    if not schema:
        return None
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] or None
