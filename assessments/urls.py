from django.urls import include, path

from .views import assessments as views
from .views import reports, secretariat, tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("governments/<int:government_pk>/assessments/start", views.assessment_start_view, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/round-tables/<int:number>/", views.questionnaire, name="questionnaire"),
    path("assessments/<int:pk>/submit", views.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/approve", views.assessment_approve_view, name="assessment_approve"),
    path("assessments/<int:pk>/return", views.assessment_return_view, name="assessment_return"),
    path(
        "assessments/<int:pk>/criteria/<int:criterion_pk>/history/", views.criterion_history, name="criterion_history"
    ),
    path("assessments/<int:pk>/report/", reports.report, name="report"),
    path("assessments/<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("assessments/<int:pk>/responses.csv", reports.report_csv, name="report_csv"),
    path("secretariat/status/", secretariat.status, name="secretariat_status"),
    path("secretariat/status.csv", secretariat.status_csv, name="secretariat_status_csv"),
    path("secretariat/status.xlsx", secretariat.status_xlsx, name="secretariat_status_xlsx"),
    path("secretariat/comparisons/", secretariat.comparison, name="secretariat_comparison"),
    path("account/api-tokens/", tokens.token_list, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke", tokens.token_revoke, name="api_token_revoke"),
]
