"""/api/v1/: every view answers GET only, with an ETag (If-None-Match gives 304)."""

from django.http import JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import path, re_path
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.vary import vary_on_headers
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views

conditional = decorator_from_middleware(ConditionalGetMiddleware)


def not_found(request, rest=""):
    """Any other address under /api/v1/: a JSON 404, as API clients expect, not the HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


def api(view):
    # The answer depends on who asks: caches must key on the credentials.
    return vary_on_headers("Authorization", "Cookie")(conditional(view))


urlpatterns = [
    path("frameworks/", api(views.FrameworkList.as_view()), name="api_frameworks"),
    path("frameworks/<slug:code>/", api(views.FrameworkDetail.as_view()), name="api_framework"),
    path("assessments/", api(views.AssessmentList.as_view()), name="api_assessments"),
    path("assessments/<int:pk>/", api(views.AssessmentDetail.as_view()), name="api_assessment"),
    path("assessments/<int:pk>/responses/", api(views.ResponseList.as_view()), name="api_responses"),
    path("assessments/<int:pk>/report/", api(views.ReportNumbers.as_view()), name="api_report"),
    path("secretariat/status/", api(views.SecretariatStatus.as_view()), name="api_secretariat_status"),
    path("secretariat/comparison/", api(views.SecretariatComparison.as_view()), name="api_secretariat_comparison"),
    # The OpenAPI document and its browsable page describe the API, not anyone's data: open to all.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
         name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema", permission_classes=[AllowAny],
                                                      authentication_classes=[]), name="api_docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
