from django.contrib import admin

from .models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "flag", "author", "created_at", "carried_into"]
    list_filter = ["flag", "carried_into"]
    readonly_fields = ["author", "carried_into", "carried_at", "created_at"]
    raw_id_fields = ["action"]
