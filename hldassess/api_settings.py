"""Settings of the read-only API and the secretariat's comparisons (imported at the end of settings.py).

Kept in their own file so that the API's configuration reads in one place (README "API").
"""

import os

# Comparisons never show an aggregate of fewer governments than this (README "Secretariat").
HLD_MIN_GROUP_SIZE = max(1, int(os.environ.get("HLD_MIN_GROUP_SIZE", "5") or 5))
# Requests per token (or signed-in person) and period; counted in Django's cache (README "API").
HLD_API_RATE = os.environ.get("HLD_API_RATE", "600/hour")

API_APPS = ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]

REST_FRAMEWORK = {
    # The token first: a request without credentials gets 401 with "WWW-Authenticate: Bearer".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assessments.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["assessments.api.throttles.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "assessments.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "HLD Assess API",
    "DESCRIPTION": "Read-only access to framework versions, the assessments you may read, their responses and "
    "report numbers, and (for the secretariat) the status across governments and thresholded comparisons.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from drf-spectacular-sidecar's static files, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "assessments.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.assessment.Assessment.Status",
        "FrameworkStatusEnum": "assessments.models.framework.FrameworkVersion.Status",
        "StateEnum": ["not_started", "draft", "submitted", "returned", "approved"],
    },
}
