from django.urls import include, path

from .views import assessments as views
from .views import reports

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
    path("assessments/<int:pk>/plan/", include("assessments.plan_urls")),
]
