"""URLs of an assessment's action plan (issue 17), included under assessments/<pk>/plan/."""

from django.urls import path

from .views import plans

urlpatterns = [
    path("", plans.plan, name="plan"),
    path("actions/add", plans.action_add_view, name="action_add"),
    path("actions/<int:action_pk>/", plans.action_edit_view, name="action_edit"),
    path("actions/<int:action_pk>/notes", plans.progress_note_view, name="progress_note_add"),
    path("history/", plans.plan_history, name="plan_history"),
    path("plan.csv", plans.plan_csv, name="plan_csv"),
]
