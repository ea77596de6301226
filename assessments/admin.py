"""The Django admin for criteria editors and the secretariat.

Parts of a published or retired framework version, and the reference rows
(sectors, key elements, SDG domains, GCM objectives) that such a version uses,
are shown read-only; the copy / publish / retire actions wrap the functions in
``versioning``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .content_languages import completeness, language_name
from .framework_transfer import FrameworkFileInvalid, framework_export, framework_import
from .models import (
    CoherenceLink,
    Criterion,
    FrameworkError,
    FrameworkVersion,
    GcmObjective,
    KeyElement,
    LevelDescriptor,
    PolicySector,
    RecommendedAction,
    RoundTable,
    SdgDomain,
    SupportAvailable,
    Theme,
)
from .models.reference import reference_locked_error
from .versioning import framework_copy, framework_publish, framework_retire

FRAMEWORK_FILE_LIMIT = 10 * 1024 * 1024  # the HLD 2013 framework's file is about 0.3 MB


def _editable(obj) -> bool:
    """A framework object may be changed only while its version is a draft."""
    return obj is None or obj.framework_version is None or obj.framework_version.is_draft


class LockedWhenPublishedMixin:
    """Read-only (view permission only) for anything of a published or retired version."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _editable(obj)


class LockedInlineMixin:
    """Inlines follow their parent: no adding, changing or deleting under a locked version."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _editable(obj)


def draft_only_choices(db_field, kwargs, field_name, queryset):
    if db_field.name == field_name:
        kwargs["queryset"] = queryset


# --- Framework versions --------------------------------------------------------


class RoundTableInline(LockedInlineMixin, TranslationTabularInline):
    model = RoundTable
    extra = 0
    fields = ["number", "code", "title"]
    show_change_link = True


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(LockedWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["name", "code", "status", "criteria_count", "copied_from", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    readonly_fields = ["status", "copied_from", "created_at", "published_at", "languages"]
    inlines = [RoundTableInline]
    actions = ["copy_to_new_draft", "publish", "retire", "export_file"]
    change_list_template = "admin/assessments/frameworkversion/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria", distinct=True))

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj):
        return obj.criteria_total

    @admin.display(description=_("languages"))
    def languages(self, obj):
        """How complete each language is; publishing needs the required ones complete (content_languages)."""
        if obj is None or obj.pk is None:
            return "-"
        lines = []
        for state in completeness(obj):
            line = _("%(language)s: %(done)s of %(total)s texts (%(percent)s%%)") % {
                "language": language_name(state.language), "done": state.done, "total": state.total,
                "percent": state.percent}
            if state.missing:
                shown = ", ".join(state.missing[:20]) + (" …" if len(state.missing) > 20 else "")
                line += " — " + _("missing: %(missing)s") % {"missing": shown}
            lines.append(line)
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def _run(self, request, queryset, write, done):
        for version in queryset:
            try:
                result = write(version=version)
            except FrameworkError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done(result), messages.SUCCESS)

    @admin.action(description=_("Copy to a new draft version"), permissions=["add"])
    def copy_to_new_draft(self, request, queryset):
        self._run(
            request, queryset, framework_copy,
            lambda result: gettext("Created the draft “%(name)s” (%(code)s).") % {"name": result.name, "code": result.code},
        )

    @admin.action(description=_("Publish (after checking completeness)"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run(
            request, queryset, framework_publish, lambda result: gettext("Published “%(name)s”.") % {"name": result.name}
        )

    @admin.action(description=_("Retire (no new assessments)"), permissions=["publish"])
    def retire(self, request, queryset):
        self._run(
            request, queryset, framework_retire, lambda result: gettext("Retired “%(name)s”.") % {"name": result.name}
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("assessments.publish_frameworkversion")

    @admin.action(description=_("Export to a framework file (JSON)"), permissions=["view"])
    def export_file(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to export."), messages.ERROR)
            return None
        version = queryset.get()
        response = HttpResponse(framework_export(version), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{version.code}.framework.json"'
        return response

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        return [path("import/", import_view, name="assessments_frameworkversion_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload a framework file; it becomes a new draft version (framework_transfer.framework_import)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FrameworkImportForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                result = framework_import(data=form.cleaned_data["file"].read())
            except FrameworkFileInvalid as error:
                form.add_error("file", str(error))
            else:
                self.message_user(request, _("Imported “%(name)s” as a draft version: review it, then publish it.")
                                  % {"name": result.version.name}, messages.SUCCESS)
                if result.unlinked:
                    self.message_user(
                        request,
                        _("%(count)d criteria name an original that this installation does not have, so reports "
                          "cannot compare them across versions: %(codes)s.")
                        % {"count": len(result.unlinked), "codes": ", ".join(result.unlinked)},
                        messages.WARNING,
                    )
                return redirect(reverse("admin:assessments_frameworkversion_change", args=[result.version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a framework file"),
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/frameworkversion/import.html", context)


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("A JSON file written by “Export to a framework file” or manage.py framework_export. "
                    "It becomes a new draft version."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > FRAMEWORK_FILE_LIMIT:
            raise forms.ValidationError(_("The file is larger than 10 MB; a framework file is far smaller."))
        return upload


# --- Round tables and themes ---------------------------------------------------


class ThemeInline(LockedInlineMixin, TranslationTabularInline):
    model = Theme
    extra = 0
    fields = ["order", "code", "title"]
    show_change_link = True


@admin.register(RoundTable)
class RoundTableAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    list_display = ["code", "short_title", "version", "theme_count"]
    list_filter = ["version"]
    search_fields = ["code", "title"]
    inlines = [ThemeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version").annotate(themes_total=Count("themes"))

    @admin.display(description=_("themes"), ordering="themes_total")
    def theme_count(self, obj):
        return obj.themes_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        draft_only_choices(db_field, kwargs, "version", FrameworkVersion.objects.filter(status="draft"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Theme)
class ThemeAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    list_display = ["code", "title", "round_table", "criteria_count"]
    list_filter = ["round_table__version", "round_table"]
    search_fields = ["code", "title"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("round_table__version").annotate(criteria_total=Count("criteria"))
        )

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj):
        return obj.criteria_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        draft_only_choices(db_field, kwargs, "round_table", RoundTable.objects.filter(version__status="draft"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Criteria ------------------------------------------------------------------


class LevelDescriptorInline(LockedInlineMixin, TranslationTabularInline):
    model = LevelDescriptor
    extra = 5
    max_num = 5
    ordering = ["level"]

    def get_extra(self, request, obj=None, **kwargs):
        return 5 - obj.descriptors.count() if obj else 5


class RecommendedActionInline(LockedInlineMixin, TranslationStackedInline):
    model = RecommendedAction
    extra = 0


class SupportAvailableInline(LockedInlineMixin, TranslationStackedInline):
    model = SupportAvailable
    extra = 0


class CoherenceLinkInline(LockedInlineMixin, TranslationTabularInline):
    model = CoherenceLink
    fk_name = "from_criterion"
    extra = 0
    raw_id_fields = ["to_criterion"]
    verbose_name = _("coherence link to another criterion")


@admin.register(Criterion)
class CriterionAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    list_display = ["code", "short_statement", "theme", "round_table", "version", "weight", "perspective"]
    list_display_links = ["code", "short_statement"]
    list_filter = ["version", "theme__round_table", "theme", "key_elements", "sectors", "weight", "perspective"]
    list_select_related = ["theme__round_table", "version"]
    search_fields = ["code", "statement", "guidance", "excerpt"]
    readonly_fields = ["version", "copied_from"]
    filter_horizontal = ["key_elements", "sectors", "sdg_domains", "gcm_objectives"]
    inlines = [LevelDescriptorInline, RecommendedActionInline, SupportAvailableInline, CoherenceLinkInline]
    fieldsets = [
        (None, {"fields": ["version", "theme", "code", "statement", "guidance", "perspective", "weight"]}),
        (_("Source"), {"fields": ["source_file", "excerpt", "copied_from"]}),
        (_("Tags"), {"fields": ["key_elements", "sectors"]}),
        (_("Cross-walks"), {"classes": ["collapse"], "fields": ["sdg_domains", "gcm_objectives"]}),
    ]

    @admin.display(description=_("statement"))
    def short_statement(self, obj):
        return obj.statement if len(obj.statement) <= 90 else obj.statement[:87] + "…"

    @admin.display(description=_("round table"), ordering="theme__round_table__number")
    def round_table(self, obj):
        return obj.theme.round_table.code

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        draft_only_choices(
            db_field, kwargs, "theme", Theme.objects.filter(round_table__version__status="draft").select_related("round_table")
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Reference lists -----------------------------------------------------------


class LockedWhenUsedMixin:
    """Read-only for a row that a published or retired version uses (the model refuses the change too)."""

    def _locking_version(self, obj):
        if obj is None:
            return None
        if not hasattr(obj, "_admin_locking_version"):  # asked several times per page: one query
            obj._admin_locking_version = obj.locking_version()
        return obj._admin_locking_version

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._locking_version(obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._locking_version(obj) is None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        version = self._locking_version(obj)
        if version is not None and request.method == "GET":
            self.message_user(request, str(reference_locked_error(obj, version)), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(KeyElement)
class KeyElementAdmin(LockedWhenUsedMixin, TranslationAdmin):
    list_display = ["code", "title"]


@admin.register(PolicySector)
class PolicySectorAdmin(LockedWhenUsedMixin, TranslationAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(SdgDomain)
class SdgDomainAdmin(LockedWhenUsedMixin, TranslationAdmin):
    list_display = ["order", "name", "code"]


@admin.register(GcmObjective)
class GcmObjectiveAdmin(LockedWhenUsedMixin, TranslationAdmin):
    list_display = ["number", "title"]
    search_fields = ["title"]

from . import admin_people  # noqa: E402,F401 - governments, people, roles; users are deactivated, not deleted
