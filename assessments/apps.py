from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "HLD Assess"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .people import refuse_deleting_a_writer

        # django.contrib.auth's User has no delete() of ours to override: this guard covers the admin,
        # the shell and cascades alike (issue 11 item 9). It decides nothing else.
        pre_delete.connect(refuse_deleting_a_writer, sender=get_user_model(), dispatch_uid="refuse_deleting_a_writer")
        from . import languages  # noqa: F401 - connects the sign-in handler that applies the profile's language
