"""Portal admins: reporting periods, snapshots and their figures (read-only: a snapshot
is immutable), and export jobs, with "Export the full aggregate" for staff.

The full aggregate (every figure of a snapshot, suppressed ones marked) is made by the
same background job as an organisation's report; its file is downloaded from the
job's admin page, by staff only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.requests import signed_in_user

from . import services
from .exports import services as export_services
from .exports.selectors import (
    EXPIRED_MESSAGE,
    export_message,
    export_state,
    export_waits_for_queue,
)
from .models import BenchmarkCell, BenchmarkSnapshot, ExportJob, ReportingPeriod

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import BenchmarkSnapshotQuerySet


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows made by the compile or by jobs: admins look, nobody edits here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["label", "starts_on", "ends_on", "compiled"]
    search_fields = ["label"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportingPeriod]:
        return super().get_queryset(request).select_related("snapshot")

    @admin.display(description=_("compiled"), boolean=True)
    def compiled(self, obj: ReportingPeriod) -> bool:
        return hasattr(obj, "snapshot")


class PublishedFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "published"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [
            ("yes", _("Published")),
            ("held", _("Held back by its audit")),
            ("unaudited", _("Not audited yet")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = cast("BenchmarkSnapshotQuerySet", queryset)  # the model's manager's
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "held":
            return queryset.held().filter(audited_at__isnull=False)
        if self.value() == "unaudited":
            return queryset.held().filter(audited_at__isnull=True)
        return queryset


@admin.register(BenchmarkSnapshot)
class BenchmarkSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "period",
        "edition",
        "compiled_at",
        "organisation_count",
        "min_group_size",
        "published",
        "finding_count",
        "figures",
    ]
    list_filter = [PublishedFilter]
    list_select_related = ["period", "edition"]
    readonly_fields = [
        "period",
        "edition",
        "compiled_at",
        "organisation_count",
        "min_group_size",
        "figures",
        "published_at",
        "audited_at",
        "findings",
    ]
    actions = ["audit_and_publish", "export_aggregate_xlsx", "export_aggregate_csv"]

    @admin.display(description=_("published"), boolean=True)
    def published(self, obj: BenchmarkSnapshot) -> bool:
        return obj.is_published

    @admin.display(description=_("audit findings"))
    def finding_count(self, obj: BenchmarkSnapshot) -> str:
        return "—" if obj.audited_at is None else str(len(obj.audit_findings))

    @admin.display(description=_("what the audit found"))
    def findings(self, obj: BenchmarkSnapshot) -> str:
        if obj.audited_at is None:
            return gettext("Not audited yet.")
        if not obj.audit_findings:
            return gettext("Nothing: every withheld figure is protected.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code> {} {}: {}</li>",
                (
                    (
                        f["kind"],
                        " / ".join(str(part) for part in f["key"]),
                        f"[{', '.join(str(b) for b in f['interval'])}]" if f["interval"] else "",
                        f["detail"],
                    )
                    for f in obj.audit_findings
                ),
            ),
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.action(description=_("Audit again, and publish if clean"), permissions=["publish"])
    def audit_and_publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for snapshot in queryset.select_related("period").order_by("period__starts_on"):
            findings = services.snapshot_audit(snapshot=snapshot)
            if findings:
                message = _("%(period)s: the audit found %(count)s problems; not published.")
                level = messages.ERROR
            else:
                message = _("%(period)s: the audit is clean; the snapshot is published.")
                level = messages.SUCCESS
            self.message_user(
                request, message % {"period": snapshot.period, "count": len(findings)}, level
            )

    @admin.display(description=_("figures"))
    def figures(self, obj: BenchmarkSnapshot) -> str:
        url = reverse("admin:benchmarking_benchmarkcell_changelist")
        return format_html('<a href="{}?snapshot__id__exact={}">{}</a>', url, obj.pk, _("Browse"))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.action(description=_("Export the full aggregate (XLSX)"), permissions=["export"])
    def export_aggregate_xlsx(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._export(request, queryset, ExportJob.Format.XLSX)

    @admin.action(description=_("Export the full aggregate (CSV)"), permissions=["export"])
    def export_aggregate_csv(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._export(request, queryset, ExportJob.Format.CSV)

    def _export(self, request: HttpRequest, queryset: QuerySet, file_format: str) -> None:
        queryset = cast("BenchmarkSnapshotQuerySet", queryset)  # the model's manager's
        held = queryset.held()
        for snapshot in held.select_related("period"):
            self.message_user(
                request,
                _("%(period)s is not published: it cannot be exported.")
                % {"period": snapshot.period},
                messages.ERROR,
            )
        for snapshot in queryset.published().select_related("period"):
            job = export_services.export_request(
                requested_by=signed_in_user(request),
                organisation=None,
                snapshot=snapshot,
                format=file_format,
            )
            url = reverse("admin:benchmarking_exportjob_change", args=[job.pk])
            self.message_user(
                request,
                format_html('{}: <a href="{}">{}</a>', snapshot.period, url, export_message(job)),
                messages.WARNING if export_waits_for_queue(job) else messages.SUCCESS,
            )


@admin.register(BenchmarkCell)
class BenchmarkCellAdmin(ReadOnlyAdmin):
    list_display = [
        "subject_type",
        "subject_code",
        "breakdown",
        "breakdown_value",
        "measure",
        "value",
        "n",
        "suppressed",
        "reason",
    ]
    list_filter = ["snapshot", "subject_type", "breakdown", "suppressed", "reason"]
    search_fields = ["subject_code", "breakdown_value", "measure"]
    list_select_related = ["snapshot__period"]
    show_full_result_count = False


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "format",
        "snapshot",
        "scope",
        "requested_by",
        "status",
        "progress",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status", "format", ("organisation", admin.EmptyFieldListFilter)]
    list_select_related = ["snapshot__period", "organisation", "requested_by"]
    search_fields = ["organisation__name", "requested_by__email"]
    readonly_fields = [
        "scope",
        "snapshot",
        "format",
        "requested_by",
        "status",
        "progress",
        "message",
        "error",
        "file_name",
        "download",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
    ]
    fields = [*readonly_fields]

    @admin.display(description=_("scope"))
    def scope(self, obj: ExportJob) -> StrOrPromise:
        return obj.organisation.name if obj.organisation else _("Full aggregate")

    @admin.display(description=_("state"))
    def message(self, obj: ExportJob) -> str:
        return export_message(obj)

    @admin.display(description=_("file"))
    def download(self, obj: ExportJob) -> StrOrPromise:
        if obj.organisation is not None:
            return _("Downloaded by the organisation's PE leads and admins, from its pages.")
        if export_state(obj) != ExportJob.Status.DONE:
            return "—"
        url = reverse("admin:benchmarking_exportjob_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "<int:pk>/download/",
            self.admin_site.admin_view(self.download_view),
            name="benchmarking_exportjob_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """The full aggregate's file, for staff who may view export jobs."""
        job = get_object_or_404(ExportJob, pk=pk, organisation__isnull=True)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        message = export_message(job)
        if export_state(job) == ExportJob.Status.DONE:
            try:
                return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
            except FileNotFoundError:
                message = gettext(EXPIRED_MESSAGE)
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:benchmarking_exportjob_change", args=[job.pk]))
