from django.urls import include, path

from .views import (
    accounts,
    documents,
    people,
    questionnaire,
    reports,
    secretariat,
    tokens,
    two_factor,
    workbook,
    workflow,
)
from .views import assessments as views

urlpatterns = [
    path("", views.home, name="home"),
    # Before django.contrib.auth's URLs: the same page, rate-limited.
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("governments/<int:government_pk>/assessments/start", workflow.assessment_start_view, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/round-tables/<int:number>/", questionnaire.questionnaire, name="questionnaire"),
    # The questionnaire offline (issue 16)
    path("assessments/<int:pk>/workbook.xlsx", workbook.workbook_download, name="workbook_download"),
    path("assessments/<int:pk>/round-tables/<int:number>/workbook.xlsx", workbook.workbook_download,
         name="workbook_download_round_table"),
    path("assessments/<int:pk>/workbook/upload", workbook.workbook_upload, name="workbook_upload"),
    path("assessments/<int:pk>/workbook/confirm", workbook.workbook_confirm, name="workbook_confirm"),
    path("assessments/<int:pk>/submit", workflow.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/approve", workflow.assessment_approve_view, name="assessment_approve"),
    path("assessments/<int:pk>/return", workflow.assessment_return_view, name="assessment_return"),
    path("assessments/<int:pk>/delete", workflow.assessment_delete_view, name="assessment_delete"),
    path(
        "assessments/<int:pk>/criteria/<int:criterion_pk>/history/", views.criterion_history, name="criterion_history"
    ),
    path("assessments/<int:pk>/report/", reports.report, name="report"),
    # The full report in English, where earlier versions linked it.
    path("assessments/<int:pk>/report.pdf", documents.document_download, {"kind": "full", "language": "en"},
         name="report_pdf"),
    path("assessments/<int:pk>/documents/<slug:kind>/<slug:language>/", documents.document_download,
         name="document_download"),
    path("assessments/<int:pk>/documents/<slug:kind>/<slug:language>/status", documents.document_status,
         name="document_status"),
    path("assessments/<int:pk>/documents/<slug:kind>/<slug:language>/retry", documents.document_retry,
         name="document_retry"),
    path("assessments/<int:pk>/responses.csv", reports.report_csv, name="report_csv"),
    # Governments, people and roles (issue 12)
    path("secretariat/governments/", people.government_list, name="government_list"),
    path("secretariat/governments/new", people.government_create_view, name="government_create"),
    path("secretariat/governments/<int:pk>/edit", people.government_edit_view, name="government_edit"),
    path("governments/<int:pk>/people/", people.government_people, name="government_people"),
    path("governments/<int:pk>/people/invite", people.invitation_create_view, name="invitation_create"),
    path("invitations/<int:pk>/resend", people.invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw", people.invitation_withdraw_view, name="invitation_withdraw"),
    path("memberships/<int:pk>/role", people.membership_role_view, name="membership_role"),
    path("memberships/<int:pk>/remove", people.membership_remove_view, name="membership_remove"),
    path("invitations/accept/<str:token>/", people.invitation_accept_view, name="invitation_accept"),
    path("account/", people.my_account, name="my_account"),
    path("account/two-factor/", two_factor.two_factor_settings, name="two_factor"),
    path("account/two-factor/enrol", two_factor.two_factor_enrol, name="two_factor_enrol"),
    path("account/two-factor/recovery-codes", two_factor.recovery_codes, name="two_factor_recovery_codes"),
    path("account/two-factor/disable", two_factor.two_factor_disable_view, name="two_factor_disable"),
    path("accounts/two-factor/verify", two_factor.two_factor_verify, name="two_factor_verify"),
    path("secretariat/status/", secretariat.status, name="secretariat_status"),
    path("secretariat/status.csv", secretariat.status_csv, name="secretariat_status_csv"),
    path("secretariat/status.xlsx", secretariat.status_xlsx, name="secretariat_status_xlsx"),
    path("secretariat/comparisons/", secretariat.comparison, name="secretariat_comparison"),
    path("account/api-tokens/", tokens.token_list, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke", tokens.token_revoke, name="api_token_revoke"),
    path("assessments/<int:pk>/plan/", include("assessments.plan_urls")),
]
