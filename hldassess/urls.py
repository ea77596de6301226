from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from assessments.languages import switch_language
from assessments.views.health import healthz

# Our own error pages (hldassess/errors.py): they never re-read the request body and never fail themselves.
handler400 = "hldassess.errors.bad_request"
handler403 = "hldassess.errors.permission_denied"
handler404 = "hldassess.errors.page_not_found"
handler500 = "hldassess.errors.server_error"  # shows the request id to quote

admin.site.site_header = "HLD Assess administration"
admin.site.site_title = "HLD Assess admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", switch_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("assessments.api.urls")),
    path("", include("assessments.urls")),
]
