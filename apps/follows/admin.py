from django.contrib import admin

from .models import Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "action_code", "organisation", "created_at")
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "action_code", "organisation__name")
    raw_id_fields = ("user", "organisation")
