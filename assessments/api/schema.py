"""OpenAPI post-processing: every operation documents the errors it can answer with.

drf-spectacular describes the successful answer only; clients (and schemathesis) need to know
that 400, 401, 403, 404 and 429 come with a JSON body too.
"""

ERRORS = {
    "400": "A query parameter is not valid (the body names it).",
    "401": "No token, or a token that is not valid, has expired or was revoked.",
    "403": "You may not read this (e.g. a secretariat endpoint).",
    "404": "Not found, or not yours to read.",
    "429": "Too many requests for this token: wait and retry (Retry-After).",
}
ERROR_SCHEMA = {"type": "object", "additionalProperties": True, "description": "`detail`, or a message per parameter"}


def add_error_responses(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for status, description in ERRORS.items():
                if path.endswith(("/schema/", "/docs/")) and status != "429":
                    continue
                operation.setdefault("responses", {}).setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
                )
    return result
