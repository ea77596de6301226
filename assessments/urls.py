from django.urls import include, path

from .views import assessments as views
from .views import reports, workflow

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("governments/<int:government_pk>/assessments/start", workflow.assessment_start_view, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/round-tables/<int:number>/", views.questionnaire, name="questionnaire"),
    path("assessments/<int:pk>/submit", workflow.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/approve", workflow.assessment_approve_view, name="assessment_approve"),
    path("assessments/<int:pk>/return", workflow.assessment_return_view, name="assessment_return"),
    path("assessments/<int:pk>/delete", workflow.assessment_delete_view, name="assessment_delete"),
    path(
        "assessments/<int:pk>/criteria/<int:criterion_pk>/history/", views.criterion_history, name="criterion_history"
    ),
    path("assessments/<int:pk>/report/", reports.report, name="report"),
    path("assessments/<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("assessments/<int:pk>/responses.csv", reports.report_csv, name="report_csv"),
]
